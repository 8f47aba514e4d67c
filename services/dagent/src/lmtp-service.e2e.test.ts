/**
 * The dagent as a service: STARTTLS, lmtp_max_connections, /metrics /healthz /readyz, and the
 * server's change notice on the bus after a delivery (what IMAP IDLE waits for).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { makeTestCert, type TestCert } from '../../../test/support/tls.js';
import {
  createStoreUser,
  type DagentUnderTest,
  folderOf,
  makeMessage,
  messagesIn,
  startTestDagent,
} from './testing/harness.js';
import { RawLmtp, sendNodemailer, sendPython } from './testing/lmtp-clients.js';

let server: TestServer;
let admin: KgcSession;
let cert: TestCert;
let lmtp: DagentUnderTest;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  cert = makeTestCert();
  lmtp = await startTestDagent(server.url, server.secret, {
    KGC_LMTP_SSL_KEY_FILE: cert.keyFile,
    KGC_LMTP_SSL_CERT_FILE: cert.certFile,
    KGC_LMTP_MAX_CONNECTIONS: '3',
  });
});

afterAll(async () => {
  await lmtp?.close();
  await server?.close();
});

describe('the LMTP service', () => {
  it('STARTTLS with the configured certificate; the Received header says LMTPS', async () => {
    const c = await RawLmtp.connect(lmtp.port);
    await c.reply();
    expect(await c.command('LHLO mta.test')).toMatch(/^250-STARTTLS$/m);
    c.close();
    const u = await createStoreUser(admin);
    const raw = makeMessage();
    const r = await sendNodemailer(lmtp.port, { from: 's@example.net', to: [u.email] }, raw, { ca: cert.cert });
    expect(r.accepted).toEqual([u.email]);
    const [m] = await messagesIn(admin, folderOf(u, 'inbox'));
    expect(m?.raw.toString('latin1')).toMatch(/^Return-Path: <s@example\.net>\r\nReceived: [^;]* with LMTPS id /);
  });

  it('lmtp_max_connections: the connection past the limit gets 421 and is closed', async () => {
    const open = await Promise.all([1, 2, 3].map(() => RawLmtp.connect(lmtp.port)));
    for (const c of open) expect(await c.reply()).toMatch(/^220 /);
    const extra = await RawLmtp.connect(lmtp.port);
    expect(await extra.reply()).toMatch(/^421 /);
    expect(await extra.reply()).toBeNull();
    open[0]?.close();
    await new Promise((r) => setTimeout(r, 200));
    const again = await RawLmtp.connect(lmtp.port);
    expect(await again.reply()).toMatch(/^220 /);
    for (const c of [...open, again]) c.close();
  });

  it('/metrics counts deliveries by result, bytes and latency; /healthz and /readyz answer', async () => {
    const u = await createStoreUser(admin);
    const raw = makeMessage();
    await sendPython(lmtp.port, 's@example.net', [u.email, 'nobody@example.com'], raw);
    const text = await (await fetch(`${lmtp.metricsUrl}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
    expect(value(/^dagent_deliveries_total\{result="delivered",service="dagent"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^dagent_deliveries_total\{result="unknown-user",service="dagent"\} (\d+)/m)).toBeGreaterThanOrEqual(
      1,
    );
    expect(value(/^dagent_received_bytes_total\{service="dagent"\} (\d+)/m)).toBeGreaterThanOrEqual(raw.length);
    expect(value(/^dagent_delivery_seconds_count\{service="dagent"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^dagent_lmtp_connections\{service="dagent"\} \d+/m);
    expect((await fetch(`${lmtp.metricsUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${lmtp.metricsUrl}/readyz`)).status).toBe(200);
  });

  it('listens on a unix socket too, replacing a stale socket file a killed process left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgc-lmtp-'));
    const path = join(dir, 'lmtp.sock');
    // A process that listened there and died without cleaning up.
    const stale = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
    ]);
    await new Promise((r) => stale.stdout.once('data', r));
    stale.kill('SIGKILL');
    await new Promise((r) => stale.once('exit', r));
    expect(existsSync(path)).toBe(true);
    const both = await startTestDagent(server.url, server.secret, { KGC_LMTP_LISTEN: `127.0.0.1:0 unix:${path}` });
    try {
      const u = await createStoreUser(admin);
      const r = await sendPython(path, 's@example.net', [u.email], makeMessage());
      expect(r.data).toEqual([[250, `2.1.5 <${u.email}> Delivered`]]);
      // A live socket is not taken over.
      await expect(
        startTestDagent(server.url, server.secret, { KGC_LMTP_LISTEN: `127.0.0.1:0 unix:${path}` }),
      ).rejects.toThrow(/in use/);
    } finally {
      await both.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the server announces the new message on the bus after the commit', async () => {
    const u = await createStoreUser(admin);
    const seen: number[] = [];
    const sub = server.bus.subscribe('kgc.store.*.changed', (p) => {
      seen.push(p.storeId);
    });
    try {
      await sendPython(lmtp.port, 's@example.net', [u.email], makeMessage());
      await expect.poll(() => seen.includes(u.storeId)).toBe(true);
    } finally {
      await sub.unsubscribe();
    }
  });
});
