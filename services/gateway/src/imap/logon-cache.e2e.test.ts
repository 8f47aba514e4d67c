/**
 * The logon cache end to end: logins of one user with one password within LOGON_CACHE_MS share a
 * server session (one server logon), a wrong password is still refused, and one connection's
 * LOGOUT leaves the others working.
 */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  makeMessage,
  putMessage,
  RawClient,
  startTestGateway,
} from '../testing/harness.js';

let server: TestServer;
let admin: KgcSession;
let gw: GatewayUnderTest;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  gw = await startTestGateway(server.url, {}, { bus: server.bus });
});

afterAll(async () => {
  await gw?.close();
  await server?.close();
});

/** Server logons so far, by result, from the server's own metrics. */
async function serverLogons(): Promise<{ ok: number; failed: number }> {
  const text = await (await fetch(new URL('/metrics', server.url))).text();
  const count = (result: string) =>
    Number(
      new RegExp(`kgc_soap_calls_total\\{[^}]*op="logon"[^}]*result="${result}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0,
    );
  return { ok: count('ok'), failed: count('KCERR_LOGON_FAILED') };
}

async function login(user: string, pass: string): Promise<{ c: RawClient; reply: string }> {
  const c = await RawClient.connect(gw.imapPort);
  await c.until(/\r\n/);
  c.send(`a LOGIN ${user} ${pass}\r\n`);
  return { c, reply: await c.until(/a (OK|NO|BAD)[^\r\n]*\r\n/) };
}

describe('logon cache', () => {
  it('shares one server logon between connections of the same user and password', async () => {
    const u = await createMailUser(admin, ['imap', 'pop3']);
    await putMessage(admin, folderOf(u, 'inbox'), makeMessage('cached', 'Body.\r\n'));
    const before = await serverLogons();
    const one = await login(u.username, u.password);
    const two = await login(u.username, u.password);
    expect(one.reply).toMatch(/a OK/);
    expect(two.reply).toMatch(/a OK/);
    expect((await serverLogons()).ok - before.ok).toBe(1);

    // A wrong password is not served from the cache: the server refuses it.
    const wrong = await login(u.username, `${u.password}x`);
    expect(wrong.reply).toMatch(/a NO \[AUTHENTICATIONFAILED\]/);
    expect((await serverLogons()).failed - before.failed).toBe(1);
    wrong.c.close();

    // One connection leaving does not end the server session of the other.
    one.c.send('b LOGOUT\r\n');
    await one.c.closedByServer();
    two.c.send('b SELECT INBOX\r\nc FETCH 1 (BODY.PEEK[TEXT])\r\n');
    const out = await two.c.until(/c (OK|NO|BAD)[^\r\n]*\r\n/);
    expect(out).toMatch(/\* 1 EXISTS/);
    expect(out).toMatch(/Body\./);
    expect(out).toMatch(/c OK/);
    two.c.close();

    // POP3 logins of the user ride on the same server session.
    const p = await RawClient.connect(gw.pop3Port);
    await p.until(/\r\n/);
    p.send(`USER ${u.username}\r\nPASS ${u.password}\r\nSTAT\r\nQUIT\r\n`);
    expect(await p.until(/\+OK \d+ \d+\r\n[\s\S]*\r\n$/)).toMatch(/\+OK 1 \d+/);
    expect((await serverLogons()).ok - before.ok).toBe(1);
    p.close();

    // Deactivated on the server: the cached logon is not handed out; the login is refused now.
    await admin.call('setUser', { username: u.username, changes: { active: false, aliases: [] } });
    const refused = await login(u.username, u.password);
    expect(refused.reply).toMatch(/a NO \[AUTHENTICATIONFAILED\]/);
    refused.c.close();
  });

  it('logins that arrive together make one server logon', async () => {
    const u = await createMailUser(admin, ['imap']);
    const before = await serverLogons();
    const all = await Promise.all(Array.from({ length: 8 }, () => login(u.username, u.password)));
    for (const { reply } of all) expect(reply).toMatch(/a OK/);
    expect((await serverLogons()).ok - before.ok).toBe(1);
    // Together with a wrong password: that one is refused, the others are not.
    const mixed = await Promise.all([login(u.username, `${u.password}x`), login(u.username, u.password)]);
    expect(mixed[0]?.reply).toMatch(/a NO \[AUTHENTICATIONFAILED\]/);
    expect(mixed[1]?.reply).toMatch(/a OK/);
    for (const { c } of [...all, ...mixed]) c.close();
  });
});
