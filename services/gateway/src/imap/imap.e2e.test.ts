/**
 * IMAP end to end: a real server (SQLite, in-process, with its bus), the gateway on real sockets,
 * imapflow and Python's imaplib as clients, and raw transcripts for literals, pipelining,
 * renumbering after EXPUNGE, IDLE, limits and hostile input.
 */
import type { KgcSession } from '@kgc/soap';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import { makeTestCert, type TestCert } from '../../../../test/support/tls.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  type MailUser,
  makeMessage,
  putMessage,
  RawClient,
  runPython,
  startTestGateway,
} from '../testing/harness.js';

let server: TestServer;
let admin: KgcSession;
let gw: GatewayUnderTest;
let cert: TestCert;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  cert = makeTestCert();
  gw = await startTestGateway(
    server.url,
    {
      KGC_IMAPS_LISTEN: '127.0.0.1:0',
      KGC_SSL_PRIVATE_KEY_FILE: cert.keyFile,
      KGC_SSL_CERTIFICATE_FILE: cert.certFile,
    },
    { bus: server.bus },
  );
});

afterAll(async () => {
  await gw?.close();
  await server?.close();
});

async function userWith(
  n: number,
  features: Array<'imap' | 'pop3'> = ['imap'],
): Promise<{ u: MailUser; raws: Buffer[] }> {
  const u = await createMailUser(admin, features);
  const raws: Buffer[] = [];
  for (let i = 1; i <= n; i++) {
    const raw = makeMessage(`message ${i}`, `Body of message ${i}.\r\n`);
    raws.push(raw);
    await putMessage(admin, folderOf(u, 'inbox'), raw);
  }
  return { u, raws };
}

/** A raw session logged in (tag a0). */
async function rawLogin(u: MailUser): Promise<RawClient> {
  const c = await RawClient.connect(gw.imapPort);
  await c.until(/^\* OK .*\r\n/);
  c.send(`a0 LOGIN ${u.username} ${u.password}\r\n`);
  await c.until(/a0 OK .*\r\n/);
  return c;
}

describe('IMAP transcripts', () => {
  it('greets with capabilities, logs in, selects, fetches', async () => {
    const { u } = await userWith(2);
    const c = await RawClient.connect(gw.imapPort);
    expect(await c.until(/\r\n/)).toMatch(
      /^\* OK \[CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR ID ENABLE STARTTLS AUTH=PLAIN\] /,
    );
    c.send(`a1 LOGIN ${u.username} ${u.password}\r\n`);
    expect(await c.until(/a1 .*\r\n/)).toMatch(/^a1 OK \[CAPABILITY IMAP4rev1 .*IDLE\] Logged in\.\r\n$/);
    c.send('a2 SELECT inbox\r\n');
    const sel = await c.until(/a2 .*\r\n/);
    expect(sel).toContain('* 2 EXISTS\r\n');
    expect(sel).toContain('* 0 RECENT\r\n');
    expect(sel).toMatch(/\* OK \[UIDVALIDITY \d+\]/);
    expect(sel).toMatch(/\* OK \[UIDNEXT \d+\]/);
    expect(sel).toMatch(/\* OK \[UNSEEN 1\]/);
    expect(sel).toMatch(/a2 OK \[READ-WRITE\] SELECT completed\.\r\n$/);
    c.send('a3 FETCH 1:* (FLAGS UID RFC822.SIZE)\r\n');
    const f = await c.until(/a3 .*\r\n/);
    expect(f).toMatch(/^\* 1 FETCH \(FLAGS \(\) UID \d+ RFC822\.SIZE \d+\)\r\n\* 2 FETCH/);
    c.send('a4 FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n');
    expect(await c.until(/a4 .*\r\n/)).toMatch(
      /^\* 2 FETCH \(BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}\r\nSubject: message 2\r\n\r\n\)\r\na4 OK/,
    );
    c.send('a5 LOGOUT\r\n');
    expect(await c.closedByServer()).toMatch(/^\* BYE .*\r\na5 OK .*\r\n$/);
  });
});

describe('IMAP with imapflow', () => {
  function client(u: MailUser): ImapFlow {
    return new ImapFlow({
      host: '127.0.0.1',
      port: gw.imapPort,
      secure: false,
      auth: { user: u.username, pass: u.password },
      logger: false,
      tls: { rejectUnauthorized: false },
      disableAutoIdle: true,
    });
  }

  it('lists with special use, appends with flags and date, fetches, stores, copies, moves, searches, expunges', async () => {
    const { u, raws } = await userWith(3);
    const c = client(u);
    await c.connect();
    try {
      const boxes = await c.list();
      const byPath = new Map(boxes.map((b) => [b.path, b]));
      expect(byPath.get('INBOX')).toBeDefined();
      expect(byPath.get('Sent Items')?.specialUse).toBe('\\Sent');
      expect(byPath.get('Deleted Items')?.specialUse).toBe('\\Trash');
      expect(byPath.get('Junk E-mail')?.specialUse).toBe('\\Junk');
      expect(byPath.get('Drafts')?.specialUse).toBe('\\Drafts');
      expect(byPath.has('Calendar')).toBe(false);

      await c.mailboxCreate('Archive/2026');
      const appended = await c.append('Archive/2026', makeMessage('appended'), ['\\Flagged', 'project'], new Date('2026-03-04T05:06:07Z'));
      expect(appended).toMatchObject({ destination: 'Archive/2026', uid: expect.any(Number), uidValidity: expect.anything() });

      const lock = await c.getMailboxLock('INBOX');
      try {
        expect(c.mailbox && c.mailbox.exists).toBe(3);
        const msgs = [];
        for await (const m of c.fetch('1:*', { uid: true, flags: true, envelope: true, size: true, source: true, internalDate: true }))
          msgs.push(m);
        expect(msgs.map((m) => m.envelope?.subject)).toEqual(['message 1', 'message 2', 'message 3']);
        expect(msgs[0]?.source?.toString()).toBe(raws[0]?.toString());
        expect(msgs[0]?.size).toBe(raws[0]?.length);
        expect(msgs[0]?.envelope?.from?.[0]).toMatchObject({ name: 'Sender', address: 'sender@example.com' });

        await c.messageFlagsAdd('1,3', ['\\Seen', '$Label1']);
        const flags = [];
        for await (const m of c.fetch('1:*', { flags: true })) flags.push([...(m.flags ?? [])].sort());
        expect(flags).toEqual([['$Label1', '\\Seen'], [], ['$Label1', '\\Seen']]);
        expect(await c.search({ seen: false })).toEqual([2]);
        expect(await c.search({ subject: 'MESSAGE 2' })).toEqual([2]);
        expect(await c.search({ body: 'of message 3' })).toEqual([3]);
        expect(await c.search({ or: [{ keyword: '$Label1' }, { subject: 'message 2' }] })).toEqual([1, 2, 3]);

        const copied = await c.messageCopy('1', 'Archive/2026');
        expect(copied).toMatchObject({ destination: 'Archive/2026' });
        expect(copied && copied.uidMap?.size).toBe(1);
        const moved = await c.messageMove('2', 'Deleted Items');
        expect(moved && moved.uidMap?.size).toBe(1);
        expect(c.mailbox && c.mailbox.exists).toBe(2);

        await c.messageFlagsAdd('1', ['\\Deleted']);
        await c.messageDelete('1');
        expect(c.mailbox && c.mailbox.exists).toBe(1);
      } finally {
        lock.release();
      }
      const st = await c.status('Archive/2026', { messages: true, unseen: true, uidNext: true });
      expect(st.messages).toBe(2);
      await c.mailboxRename('Archive/2026', 'Archive/old');
      await c.mailboxDelete('Archive/old');
      expect((await c.list()).map((b) => b.path)).not.toContain('Archive/old');
      const q = await c.getQuota('INBOX');
      expect(q).toBeDefined();
    } finally {
      await c.logout();
    }
  });

  it('IDLE: a delivery made through SOAP shows up as EXISTS', async () => {
    const { u } = await userWith(1);
    const c = client(u);
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const seen = new Promise<number>((resolve) => c.on('exists', (d: { count: number }) => resolve(d.count)));
      const idling = c.idle();
      await new Promise((r) => setTimeout(r, 100));
      await putMessage(admin, folderOf(u, 'inbox'), makeMessage('while idling'));
      expect(await seen).toBe(2);
      await c.noop();
      await idling;
    } finally {
      await c.logout();
    }
  });
});

describe('IMAP with Python imaplib', () => {
  it('login, select, fetch, store, search, append, expunge, logout', async () => {
    const { u, raws } = await userWith(2);
    const script = `
import imaplib, json, sys
M = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
out = {}
M.login(sys.argv[2], sys.argv[3])
out['caps'] = M.capability()[1][0].decode().split()
typ, data = M.list()
out['list'] = [d.decode() for d in data]
typ, data = M.select('INBOX')
out['exists'] = data[0].decode()
typ, data = M.fetch('1', '(RFC822)')
out['rfc822'] = data[0][1].decode()
typ, data = M.uid('SEARCH', None, 'ALL')
out['uids'] = data[0].decode().split()
typ, data = M.store('2', '+FLAGS', '(\\\\Deleted)')
out['store'] = [d.decode() for d in data]
typ, data = M.expunge()
out['expunge'] = [d.decode() for d in data if d]
typ, data = M.append('INBOX', '(\\\\Seen)', imaplib.Time2Internaldate(1700000000), b'Subject: appended\\r\\n\\r\\nhi\\r\\n')
out['append'] = typ + ' ' + data[0].decode()
typ, data = M.search('UTF-8', 'SUBJECT', '"appended"')
out['search'] = data[0].decode()
typ, data = M.status('INBOX', '(MESSAGES UNSEEN UIDNEXT)')
out['status'] = data[0].decode()
M.close()
M.logout()
print(json.dumps(out))
`;
    const r = await runPython<Record<string, unknown>>(script, [gw.imapPort, u.username, u.password]);
    expect(r.caps).toEqual(expect.arrayContaining(['IMAP4rev1', 'IDLE', 'UIDPLUS', 'MOVE', 'NAMESPACE', 'CHILDREN']));
    expect(r.list).toEqual(expect.arrayContaining(['(\\HasNoChildren) "/" "INBOX"', '(\\HasNoChildren \\Sent) "/" "Sent Items"']));
    expect(r.exists).toBe('2');
    expect(r.rfc822).toBe(raws[0]?.toString());
    expect(r.uids).toHaveLength(2);
    expect(r.store).toEqual(['2 (FLAGS (\\Deleted))']);
    expect(r.expunge).toEqual(['2']);
    expect(r.append).toMatch(/^OK \[APPENDUID \d+ \d+\] APPEND completed\.$/);
    expect(r.search).toBe('2');
    // Message 1 was read by FETCH RFC822 (sets \Seen), the appended one came with \Seen.
    expect(r.status).toMatch(/^INBOX \(MESSAGES 2 UNSEEN 0 UIDNEXT \d+\)$/);
  });
});
