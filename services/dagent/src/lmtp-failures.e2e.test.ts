/**
 * A server that is down, slow or failing: every such recipient gets a 4xx (never a 5xx), so the
 * MTA retries; nothing is stored twice when it does. A SOAP proxy in front of a real server
 * plays the misbehaving part.
 */
import type { KgcSession } from '@kgc/soap';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import {
  countIn,
  createStoreUser,
  type DagentUnderTest,
  folderOf,
  makeMessage,
  startTestDagent,
} from './testing/harness.js';
import { sendPython } from './testing/lmtp-clients.js';
import { type SoapProxy, startSoapProxy } from './testing/soap-proxy.js';

let server: TestServer;
let admin: KgcSession;
let proxy: SoapProxy;
let lmtp: DagentUnderTest;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  proxy = await startSoapProxy(server.url);
  lmtp = await startTestDagent(proxy.url, server.secret, { KGC_SERVER_TIMEOUT: '1s' });
});

afterEach(() => {
  for (const op of ['resolveEmail', 'deliverMessage', 'getHierarchy', 'GetQuotaStatus']) proxy.rule(op, 'pass');
});

afterAll(async () => {
  await lmtp?.close();
  await proxy?.close();
  await server?.close();
});

describe('a failing server gives 4xx, never 5xx', () => {
  it('server down: 451 4.3.0 at RCPT, /readyz 503, /healthz 200', async () => {
    const down = await startTestDagent('http://127.0.0.1:9/', server.secret);
    try {
      const r = await sendPython(down.port, 's@example.net', ['a@example.com', 'b@example.com'], makeMessage());
      expect(r.rcpt).toEqual([
        [451, '4.3.0 <a@example.com> Temporary failure, try again later'],
        [451, '4.3.0 <b@example.com> Temporary failure, try again later'],
      ]);
      expect((await fetch(`${down.metricsUrl}/readyz`)).status).toBe(503);
      expect((await fetch(`${down.metricsUrl}/healthz`)).status).toBe(200);
    } finally {
      await down.close();
    }
  });

  it('slow at RCPT: 451 after server_timeout', async () => {
    const u = await createStoreUser(admin);
    proxy.rule('resolveEmail', 'stall');
    const r = await sendPython(lmtp.port, 's@example.net', [u.email], makeMessage());
    expect(r.rcpt).toEqual([[451, `4.3.0 <${u.email}> Temporary failure, try again later`]]);
  });

  it('slow at delivery: 451 for every recipient, nothing stored', async () => {
    const a = await createStoreUser(admin);
    const b = await createStoreUser(admin);
    proxy.rule('deliverMessage', 'stall');
    const r = await sendPython(lmtp.port, 's@example.net', [a.email, b.email], makeMessage());
    expect(r.data.map((x) => x[0])).toEqual([451, 451]);
    expect(await countIn(admin, folderOf(a, 'inbox'))).toBe(0);
    expect(await countIn(admin, folderOf(b, 'inbox'))).toBe(0);
  });

  it('a database error at delivery: 451', async () => {
    const u = await createStoreUser(admin);
    proxy.rule('deliverMessage', { fault: 'KCERR_DATABASE_ERROR' });
    const r = await sendPython(lmtp.port, 's@example.net', [u.email], makeMessage());
    expect(r.data).toEqual([[451, `4.3.0 <${u.email}> Temporary failure, try again later`]]);
  });

  it('the reply lost after the commit: 451, and the retry (same bytes) stores nothing twice', async () => {
    const a = await createStoreUser(admin);
    const b = await createStoreUser(admin);
    const raw = makeMessage();
    proxy.rule('deliverMessage', 'drop-reply');
    const lost = await sendPython(lmtp.port, 's@example.net', [a.email, b.email], raw);
    expect(lost.data.map((x) => x[0])).toEqual([451, 451]);
    // The server did commit: the message is there, once per user.
    expect(await countIn(admin, folderOf(a, 'inbox'))).toBe(1);
    proxy.rule('deliverMessage', 'pass');
    const retry = await sendPython(lmtp.port, 's@example.net', [b.email, a.email], raw);
    expect(retry.data).toEqual([
      [250, `2.1.5 <${b.email}> Delivered`],
      [250, `2.1.5 <${a.email}> Delivered`],
    ]);
    expect(await countIn(admin, folderOf(a, 'inbox'))).toBe(1);
    expect(await countIn(admin, folderOf(b, 'inbox'))).toBe(1);
    // Other bytes are another message.
    await sendPython(lmtp.port, 's@example.net', [a.email], makeMessage());
    expect(await countIn(admin, folderOf(a, 'inbox'))).toBe(2);
  });

  it('an ambiguous address (KCERR_COLLISION from resolveEmail): 550 5.1.4', async () => {
    proxy.rule('resolveEmail', { fault: 'KCERR_COLLISION' });
    const r = await sendPython(lmtp.port, 's@example.net', ['shared@example.com'], makeMessage());
    expect(r.rcpt).toEqual([[550, '5.1.4 <shared@example.com> Address is ambiguous']]);
  });
});
