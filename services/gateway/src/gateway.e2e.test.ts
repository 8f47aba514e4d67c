/** The gateway as a service: metrics and health endpoints, max_connections, --dump-config, bad TLS config. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError } from '@kgc/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { ROOT, serviceArgs } from '../../../test/support/server-process.js';
import { RawClient, startTestGateway } from './testing/harness.js';

const run = promisify(execFile);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
});
afterAll(async () => {
  await server?.close();
});

describe('gateway service', () => {
  it('serves /metrics, /healthz and /readyz', async () => {
    const gw = await startTestGateway(server.url);
    try {
      const c = await RawClient.connect(gw.pop3Port);
      await c.until(/\r\n/);
      const base = `http://127.0.0.1:${gw.gateway.metricsPort}`;
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/gateway_connections_total\{protocol="pop3"[^}]*\} 1/);
      expect(metrics).toMatch(/gateway_open_connections\{protocol="pop3"[^}]*\} 1/);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      c.close();
    } finally {
      await gw.close();
    }
  });

  it('/readyz is 503 while the server does not answer', async () => {
    const gw = await startTestGateway('http://127.0.0.1:9/');
    try {
      expect((await fetch(`http://127.0.0.1:${gw.gateway.metricsPort}/readyz`)).status).toBe(503);
    } finally {
      await gw.close();
    }
  });

  it('refuses connections over max_connections', async () => {
    const gw = await startTestGateway(server.url, { KGC_MAX_CONNECTIONS: '1' });
    try {
      const first = await RawClient.connect(gw.pop3Port);
      await first.until(/\r\n/);
      const second = await RawClient.connect(gw.imapPort);
      expect(await second.closedByServer()).toBe('* BYE Too many connections, try again later.\r\n');
      const third = await RawClient.connect(gw.pop3Port);
      expect(await third.closedByServer()).toBe('-ERR [SYS/TEMP] Too many connections, try again later.\r\n');
      first.close();
    } finally {
      await gw.close();
    }
  });

  it('a TLS listener without key and certificate is a configuration error', async () => {
    await expect(startTestGateway(server.url, { KGC_IMAPS_LISTEN: '127.0.0.1:0' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('--dump-config prints the effective configuration with KGC key names', async () => {
    const r = await run(process.execPath, [...serviceArgs('gateway'), '--dump-config'], {
      cwd: ROOT,
      env: { ...process.env, KGC_POP3_LISTEN: '127.0.0.1:1110' },
    });
    expect(r.stdout).toMatch(/^pop3_listen = 127\.0\.0\.1:1110$/m);
    expect(r.stdout).toMatch(/^imap_max_messagesize = /m);
    expect(r.stdout).toMatch(/^disable_plaintext_auth = no$/m);
  });
});
