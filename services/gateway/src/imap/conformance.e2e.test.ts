/**
 * Points an RFC review found, as transcripts over a real socket: RFC 7162 (HIGHESTMODSEQ after
 * EXPUNGE and MOVE, STATUS as an enabling command, the first enabling command's HIGHESTMODSEQ,
 * UID and MODSEQ in the FETCH a STORE or an implicit \Seen causes, no VANISHED in a UID SEARCH by
 * message numbers, ESEARCH MIN/MAX MODSEQ), RFC 5161 (ENABLED lists only what was enabled),
 * RFC 5258/5819 advertised, and the session's error handling (a NUL answered with the tag, bad
 * commands counted in a row, SASL responses that do not decode or do not fit, RFC 5530's
 * AUTHORIZATIONFAILED).
 */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  imapLoggedIn,
  type MailUser,
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

async function userWith(n: number): Promise<MailUser> {
  const u = await createMailUser(admin, ['imap']);
  for (let i = 1; i <= n; i++) await putMessage(admin, folderOf(u, 'inbox'), makeMessage(`m${i}`, `Body ${i}.\r\n`));
  return u;
}

const login = (u: MailUser): Promise<RawClient> => imapLoggedIn(gw.imapPort, u);

/** Sends a command, answers its lines (untagged ones and the tagged one). */
async function run(c: RawClient, tag: string, command: string): Promise<string[]> {
  c.send(`${tag} ${command}\r\n`);
  const text = await c.until(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n$`));
  return text.split('\r\n').filter((l) => l !== '');
}

describe('RFC 7162 details', () => {
  it('EXPUNGE and MOVE answer the new HIGHESTMODSEQ once QRESYNC is on', async () => {
    const u = await userWith(4);
    const c = await login(u);
    await run(c, 'e', 'ENABLE QRESYNC');
    await run(c, 's', 'SELECT INBOX');
    await run(c, 'f', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    const expunged = await run(c, 'x', 'EXPUNGE');
    expect(expunged).toContain('* VANISHED 1');
    const ex = /^x OK \[HIGHESTMODSEQ (\d+)\] /.exec(expunged.at(-1) ?? '');
    expect(ex).not.toBeNull();
    const moved = await run(c, 'm', 'MOVE 1 "Deleted Items"');
    const mv = /^m OK \[HIGHESTMODSEQ (\d+)\] /.exec(moved.at(-1) ?? '');
    expect(Number(mv?.[1])).toBeGreaterThan(Number(ex?.[1]));
    c.close();
  });

  it('STATUS (HIGHESTMODSEQ) enables CONDSTORE; the first enabling command with a mailbox selected announces HIGHESTMODSEQ', async () => {
    const u = await userWith(2);
    const a = await login(u);
    await run(a, 't', 'STATUS INBOX (HIGHESTMODSEQ)');
    expect((await run(a, 's', 'SELECT INBOX')).some((l) => /^\* OK \[HIGHESTMODSEQ \d+\]/.test(l))).toBe(true);
    a.close();

    const b = await login(u);
    await run(b, 's', 'SELECT INBOX');
    const first = await run(b, 'f', 'FETCH 1 (MODSEQ)');
    expect(first[0]).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\] /);
    expect(first[1]).toMatch(/^\* 1 FETCH \(MODSEQ \(\d+\)\)$/);
    const again = await run(b, 'g', 'FETCH 1 (MODSEQ)');
    expect(again.some((l) => l.includes('HIGHESTMODSEQ'))).toBe(false);
    b.close();
  });

  it('STATUS and SELECT give a mailbox the same HIGHESTMODSEQ, whatever changed in other folders (§3.1.7)', async () => {
    const u = await userWith(2);
    const c = await login(u);
    await run(c, 'e', 'ENABLE CONDSTORE');
    const first = await run(c, 's', 'SELECT INBOX');
    await run(c, 'c', 'CLOSE');
    await putMessage(admin, folderOf(u, 'sent'), makeMessage('elsewhere'));
    await run(c, 'f', 'SELECT INBOX');
    await run(c, 'c2', 'CLOSE');
    const status = await run(c, 't', 'STATUS INBOX (HIGHESTMODSEQ)');
    const again = await run(c, 's2', 'SELECT INBOX');
    const of = (lines: string[]) => Number(/HIGHESTMODSEQ (\d+)/.exec(lines.join(' '))?.[1]);
    expect(of(again)).toBe(of(status));
    expect(of(again)).toBe(of(first));
    c.close();
  });

  it('the FETCH a STORE or an implicit \\Seen causes carries UID and MODSEQ under QRESYNC, for the changed messages', async () => {
    const u = await userWith(3);
    const c = await login(u);
    await run(c, 'e', 'ENABLE QRESYNC');
    await run(c, 's', 'SELECT INBOX');
    const stored = await run(c, 'st', 'STORE 1 +FLAGS (\\Flagged)');
    expect(stored[0]).toMatch(/^\* 1 FETCH \(FLAGS \(\\Flagged\) UID 1 MODSEQ \(\d+\)\)$/);
    await run(c, 'p', 'STORE 3 +FLAGS.SILENT (\\Seen)');
    const fetched = await run(c, 'f', 'FETCH 2:3 (BODY[TEXT])');
    // Message 2 was unseen: its answer gets FLAGS, MODSEQ and UID; 3 was seen already.
    expect(fetched[0]).toMatch(/^\* 2 FETCH \(BODY\[TEXT\] \{\d+\}$/);
    expect(fetched[1]).toMatch(/^Body 2\.$/);
    expect(fetched[2]).toMatch(/^ FLAGS \(\\Seen\) MODSEQ \(\d+\) UID 2\)$/);
    expect(fetched[3]).toMatch(/^\* 3 FETCH \(BODY\[TEXT\] \{\d+\}$/);
    expect(fetched[5]).toBe(')');
    c.close();
  });

  it('a UID SEARCH by message numbers holds expunges back; ESEARCH MIN alone answers its own MODSEQ', async () => {
    const u = await userWith(4);
    const a = await login(u);
    const b = await login(u);
    await run(a, 'e', 'ENABLE QRESYNC');
    await run(a, 's', 'SELECT INBOX');
    await run(b, 's', 'SELECT INBOX');
    await run(b, 'f', 'STORE 4 +FLAGS (\\Flagged)');
    const min = await run(a, 'm', 'SEARCH RETURN (MIN) MODSEQ 1');
    const own = await run(a, 'o', 'FETCH 1 (MODSEQ)');
    const firstModseq = /MODSEQ \((\d+)\)/.exec(own.join(' '))?.[1];
    expect(min.find((l) => l.startsWith('* ESEARCH'))).toBe(`* ESEARCH (TAG "m") MIN 1 MODSEQ ${firstModseq}`);
    await run(b, 'd', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await run(b, 'x', 'EXPUNGE');
    const bySeq = await run(a, 'u', 'UID SEARCH 2:3');
    expect(bySeq.some((l) => l.startsWith('* VANISHED') || l.endsWith(' EXPUNGE'))).toBe(false);
    expect((await run(a, 'n', 'NOOP')).some((l) => l === '* VANISHED 1')).toBe(true);
    a.close();
    b.close();
  });

  it('while an expunge is held back, a MODSEQ sent comes with an older HIGHESTMODSEQ (RFC 5162 erratum 1810)', async () => {
    const u = await userWith(4);
    const a = await login(u);
    const b = await login(u);
    await run(a, 'e', 'ENABLE QRESYNC');
    const sel = await run(a, 's', 'SELECT INBOX');
    const before = Number(/HIGHESTMODSEQ (\d+)/.exec(sel.join(' '))?.[1]);
    await run(b, 'e', 'ENABLE QRESYNC');
    await run(b, 's', 'SELECT INBOX');
    await run(b, 'd', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
    const expungeModseq = Number(/HIGHESTMODSEQ (\d+)/.exec((await run(b, 'x', 'EXPUNGE')).at(-1) ?? '')?.[1]);
    const stored = await run(a, 'f', 'STORE 3 +FLAGS (\\Flagged)');
    const modseq = Number(/MODSEQ \((\d+)\)/.exec(stored[0] ?? '')?.[1]);
    expect(stored.some((l) => l.startsWith('* VANISHED'))).toBe(false);
    const held = stored.find((l) => l.startsWith('* OK [HIGHESTMODSEQ'));
    const heldValue = Number(/HIGHESTMODSEQ (\d+)/.exec(held ?? '')?.[1]);
    expect(heldValue).toBeGreaterThanOrEqual(before);
    expect(heldValue).toBeLessThan(expungeModseq);
    expect(expungeModseq).toBeLessThan(modseq);
    const noop = await run(a, 'n', 'NOOP');
    expect(noop).toContain('* VANISHED 2');
    expect(noop.some((l) => l.startsWith('* OK [HIGHESTMODSEQ'))).toBe(false);
    a.close();
    b.close();
  });

  it('ENABLED lists only what the command enabled (RFC 5161 §3.1); LIST-EXTENDED and LIST-STATUS are advertised', async () => {
    const u = await userWith(0);
    const c = await login(u);
    expect((await run(c, 'e1', 'ENABLE CONDSTORE'))[0]).toBe('* ENABLED CONDSTORE');
    expect((await run(c, 'e2', 'ENABLE CONDSTORE QRESYNC'))[0]).toBe('* ENABLED QRESYNC');
    expect((await run(c, 'e3', 'ENABLE QRESYNC CONDSTORE'))[0]).toBe('* ENABLED');
    const caps = (await run(c, 'c', 'CAPABILITY'))[0] ?? '';
    expect(caps.split(' ')).toEqual(expect.arrayContaining(['LIST-EXTENDED', 'LIST-STATUS']));
    c.close();
  });
});

describe('message numbers', () => {
  it('a message number above the count is BAD (RFC 3501 §9); UIDs and ranges with * stay lenient', async () => {
    const u = await userWith(4);
    const c = await login(u);
    await run(c, 's', 'SELECT INBOX');
    expect((await run(c, 'f', 'FETCH 99 FLAGS')).at(-1)).toMatch(/^f BAD Invalid message number 99/);
    expect((await run(c, 'g', 'STORE 2,5 +FLAGS (\\Seen)')).at(-1)).toMatch(/^g BAD /);
    expect((await run(c, 'h', 'COPY 7:9 INBOX')).at(-1)).toMatch(/^h BAD /);
    expect((await run(c, 'i', 'FETCH 3:* FLAGS')).at(-1)).toMatch(/^i OK /);
    expect((await run(c, 'j', 'UID FETCH 99 FLAGS')).at(-1)).toMatch(/^j OK /);
    await run(c, 'k', 'SELECT "Deleted Items"');
    expect((await run(c, 'l', 'FETCH 1:* FLAGS')).at(-1)).toMatch(/^l OK /);
    c.close();
  });
});

describe('session errors', () => {
  it('a NUL in a command line is answered with its tag', async () => {
    const u = await userWith(0);
    const c = await login(u);
    c.send('n1 NOOP\0\r\n');
    expect(await c.until(/\r\n$/)).toBe('n1 BAD NUL octet in command line\r\n');
    c.close();
  });

  it('bad commands count in a row: one that works starts the count again', async () => {
    const u = await userWith(0);
    const c = await login(u);
    c.send(`${'b BOGUS\r\n'.repeat(9)}g NOOP\r\n${'b BOGUS\r\n'.repeat(9)}z LOGOUT\r\n`);
    const t = await c.closedByServer();
    expect(t.match(/^b BAD /gm)).toHaveLength(18);
    expect(t).not.toContain('Too many');
    expect(t).toMatch(/z OK [^\r\n]*\r\n$/);
  });

  it('SASL: a response that is not base64 is BAD, one too long ends the exchange, another identity is AUTHORIZATIONFAILED', async () => {
    const u = await userWith(0);
    const c = await RawClient.connect(gw.imapPort);
    await c.until(/^\* OK .*\r\n/);
    c.send('d1 AUTHENTICATE PLAIN\r\n');
    await c.until(/^\+ \r\n/);
    c.send('!!notbase64\r\n');
    expect(await c.until(/\r\n$/)).toMatch(/^d1 BAD /);
    c.send('d2 AUTHENTICATE PLAIN\r\n');
    await c.until(/^\+ \r\n/);
    c.send(`${'A'.repeat(70_000)}\r\n`);
    expect(await c.until(/\r\n$/)).toMatch(/^d2 BAD \[TOOBIG\] /);
    // The exchange is over: this line is a command, not a SASL response.
    const other = Buffer.from(`someoneelse\0${u.username}\0${u.password}`).toString('base64');
    c.send(`d3 AUTHENTICATE PLAIN ${other}\r\n`);
    expect(await c.until(/\r\n$/)).toMatch(/^d3 NO \[AUTHORIZATIONFAILED\] /);
    const mine = Buffer.from(`\0${u.username}\0${u.password}`).toString('base64');
    c.send(`d4 AUTHENTICATE PLAIN ${mine}\r\n`);
    expect(await c.until(/d4 [^\r\n]*\r\n$/)).toMatch(/d4 OK /);
    c.close();
  });
});

describe('mailbox names', () => {
  it('LSUB % answers an unsubscribed parent as \\Noselect (RFC 3501 §6.3.9); RENAME INBOX INBOX/old moves the messages (§6.3.5); INBOX matches In*', async () => {
    const u = await userWith(0);
    const c = await login(u);
    await run(c, 'c', 'CREATE Par/Child');
    await run(c, 's', 'SUBSCRIBE Par/Child');
    await run(c, 'u', 'UNSUBSCRIBE Par');
    const top = await run(c, 'l1', 'LSUB "" "%"');
    expect(top).toContain('* LSUB (\\HasChildren \\Noselect) "/" "Par"');
    expect(top.some((l) => l.includes('Par/Child'))).toBe(false);
    const all = await run(c, 'l2', 'LSUB "" "*"');
    expect(all).toContain('* LSUB (\\HasNoChildren) "/" "Par/Child"');
    expect(all.some((l) => l.endsWith('"Par"'))).toBe(false);
    // RFC 3501 §6.3.5: renaming INBOX moves its messages, also into a mailbox below INBOX.
    await putMessage(admin, folderOf(u, 'inbox'), makeMessage('kept'));
    await run(c, 'ck', 'CREATE INBOX/keep');
    expect((await run(c, 'r', 'RENAME INBOX INBOX/old')).at(-1)).toMatch(/^r OK /);
    expect(await run(c, 'st', 'STATUS INBOX (MESSAGES)')).toContain('* STATUS INBOX (MESSAGES 0)');
    expect(await run(c, 'so', 'STATUS INBOX/old (MESSAGES)')).toContain('* STATUS INBOX/old (MESSAGES 1)');
    expect((await run(c, 'sk', 'STATUS INBOX/keep (MESSAGES)')).at(-1)).toMatch(/^sk OK /);
    const inbox = await run(c, 'l3', 'LIST "" "In*"');
    expect(inbox.some((l) => l.endsWith('"/" INBOX') || l.endsWith('"/" "INBOX"'))).toBe(true);
    c.close();
  });
});
