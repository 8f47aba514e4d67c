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
import { startSoapProxy } from '../../../dagent/src/testing/soap-proxy.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  imapLoggedIn,
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
const rawLogin = (u: MailUser): Promise<RawClient> => imapLoggedIn(gw.imapPort, u);

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

/** EXISTS of imapflow's open mailbox (`false` when none is open). */
function exists(c: ImapFlow): number | undefined {
  return c.mailbox === false ? undefined : c.mailbox.exists;
}

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
      const appended = await c.append(
        'Archive/2026',
        makeMessage('appended'),
        ['\\Flagged', 'project'],
        new Date('2026-03-04T05:06:07Z'),
      );
      expect(appended).toMatchObject({
        destination: 'Archive/2026',
        uid: expect.any(Number),
        uidValidity: expect.anything(),
      });

      const lock = await c.getMailboxLock('INBOX');
      try {
        expect(exists(c)).toBe(3);
        const msgs = [];
        for await (const m of c.fetch('1:*', {
          uid: true,
          flags: true,
          envelope: true,
          size: true,
          source: true,
          internalDate: true,
        }))
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
        expect(copied ? copied.uidMap?.size : undefined).toBe(1);
        const moved = await c.messageMove('2', 'Deleted Items');
        expect(moved ? moved.uidMap?.size : undefined).toBe(1);
        expect(exists(c)).toBe(2);

        await c.messageFlagsAdd('1', ['\\Deleted']);
        await c.messageDelete('1');
        expect(exists(c)).toBe(1);
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
    expect(r.list).toEqual(
      expect.arrayContaining(['(\\HasNoChildren) "/" "INBOX"', '(\\HasNoChildren \\Sent) "/" "Sent Items"']),
    );
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

describe('IMAP transcripts: literals, pipelining, renumbering, IDLE', () => {
  it('APPEND with a synchronising literal, LITERAL+, and a literal in LOGIN', async () => {
    const { u } = await userWith(0);
    const c = await RawClient.connect(gw.imapPort);
    await c.until(/\r\n/);
    c.send(`a1 LOGIN {${u.username.length}}\r\n`);
    expect(await c.until(/\r\n/)).toBe('+ Ready for literal data\r\n');
    c.send(`${u.username} {${u.password.length}+}\r\n${u.password}\r\n`);
    expect(await c.until(/a1 .*\r\n/)).toMatch(/^a1 OK /);
    const msg = 'Subject: lit\r\n\r\nbody\r\n';
    c.send(`a2 APPEND INBOX (\\Seen) "05-Mar-2026 10:00:00 +0100" {${msg.length}}\r\n`);
    expect(await c.until(/\r\n/)).toBe('+ Ready for literal data\r\n');
    c.send(`${msg}\r\n`);
    expect(await c.until(/a2 .*\r\n/)).toMatch(/^a2 OK \[APPENDUID \d+ 1\] APPEND completed\.\r\n$/);
    c.send(
      `a3 APPEND INBOX {${msg.length}+}\r\n${msg}\r\na4 SELECT INBOX\r\na5 FETCH 1:* (UID FLAGS INTERNALDATE BODY[])\r\n`,
    );
    const t = await c.until(/a5 .*\r\n/);
    expect(t).toMatch(/^a3 OK \[APPENDUID \d+ 2\]/);
    expect(t).toContain('* 2 EXISTS\r\n');
    expect(t).toContain(
      `* 1 FETCH (UID 1 FLAGS (\\Seen) INTERNALDATE "05-Mar-2026 09:00:00 +0000" BODY[] {${msg.length}}\r\n${msg})\r\n`,
    );
    expect(t).toMatch(/a5 OK FETCH completed\.\r\n$/);
    c.close();
  });

  it('refuses an APPEND over imap_max_messagesize before the literal is sent', async () => {
    const small = await startTestGateway(server.url, { KGC_IMAP_MAX_MESSAGESIZE: '2k' });
    try {
      const { u } = await userWith(0);
      const c = await RawClient.connect(small.imapPort);
      await c.until(/\r\n/);
      c.send(`a1 LOGIN ${u.username} ${u.password}\r\na2 APPEND INBOX {4096}\r\n`);
      const t = await c.until(/a2 .*\r\n/);
      expect(t).not.toContain('+ Ready');
      expect(t).toMatch(/a2 NO \[TOOBIG\] .*\r\n$/);
      c.send('a3 NOOP\r\n');
      expect(await c.until(/a3 .*\r\n/)).toBe('a3 OK NOOP completed.\r\n');
      c.close();
    } finally {
      await small.close();
    }
  });

  it('pipelined commands are answered in order', async () => {
    const { u } = await userWith(3);
    const c = await RawClient.connect(gw.imapPort);
    await c.until(/\r\n/);
    c.send(`p1 LOGIN ${u.username} ${u.password}\r\np2 SELECT INBOX\r\np3 FETCH 2 (UID)\r\np4 NOOP\r\np5 LOGOUT\r\n`);
    const t = await c.closedByServer();
    const tagged = t
      .split('\r\n')
      .filter((l) => /^p\d /.test(l))
      .map((l) => l.split(' ').slice(0, 2).join(' '));
    expect(tagged).toEqual(['p1 OK', 'p2 OK', 'p3 OK', 'p4 OK', 'p5 OK']);
  });

  it('renumbers after EXPUNGE by another session; no EXPUNGE during FETCH/STORE/SEARCH', async () => {
    const { u } = await userWith(5);
    const a = await rawLogin(u);
    const b = await rawLogin(u);
    a.send('s1 SELECT INBOX\r\n');
    await a.until(/s1 OK.*\r\n/);
    b.send('t1 SELECT INBOX\r\nt2 STORE 2,4 +FLAGS.SILENT (\\Deleted)\r\nt3 EXPUNGE\r\n');
    expect(await b.until(/t3 .*\r\n/)).toMatch(/\* 4 EXPUNGE\r\n\* 2 EXPUNGE\r\n(\* 3 EXISTS\r\n)?t3 OK/);
    a.send('s2 FETCH 1:* (UID)\r\n');
    const during = await a.until(/s2 .*\r\n/);
    // Numbers do not move during FETCH: the expunged messages may still be answered (RFC 3501 §7.4.1).
    expect(during).not.toContain('EXPUNGE');
    expect(during.match(/^\* \d FETCH/gm)?.length).toBeGreaterThanOrEqual(3);
    a.send('s3 SEARCH ALL\r\n');
    const search = await a.until(/s3 .*\r\n/);
    expect(search).not.toContain('EXPUNGE');
    a.send('s4 NOOP\r\n');
    expect(await a.until(/s4 .*\r\n/)).toBe('* 4 EXPUNGE\r\n* 2 EXPUNGE\r\ns4 OK NOOP completed.\r\n');
    a.send('s5 FETCH 1:* (UID)\r\n');
    const after = await a.until(/s5 .*\r\n/);
    expect(after.match(/^\* \d FETCH/gm)).toEqual(['* 1 FETCH', '* 2 FETCH', '* 3 FETCH']);
    a.close();
    b.close();
  });

  it('STORE 1:* changes the messages this session sees: not one appended meanwhile, none expunged', async () => {
    const { u } = await userWith(5);
    const a = await rawLogin(u);
    const b = await rawLogin(u);
    a.send('s1 SELECT INBOX\r\n');
    await a.until(/s1 OK.*\r\n/);
    b.send('t1 SELECT INBOX\r\nt2 STORE 3 +FLAGS.SILENT (\\Deleted)\r\nt3 EXPUNGE\r\n');
    await b.until(/t3 .*\r\n/);
    const appended = await putMessage(admin, folderOf(u, 'inbox'), makeMessage('meanwhile'));
    a.send('s2 UID STORE 1:* +FLAGS (\\Flagged)\r\n');
    const stored = await a.until(/s2 .*\r\n/);
    expect(stored).toMatch(/s2 OK/);
    expect(stored).not.toContain(`UID ${appended}`);
    // The expunged message is not said to have flags the server never gave it.
    expect(stored).not.toMatch(/FLAGS \(\\Flagged\) UID 3\)/);
    const { rows } = await admin.call('tableQueryRows', {
      folderId: folderOf(u, 'inbox'),
      columns: ['uid', 'flags'],
      sort: [{ column: 'uid', descending: false }],
    });
    expect(rows.map((r) => [r.uid, r.flags])).toEqual([
      [1, ['\\Flagged']],
      [2, ['\\Flagged']],
      [4, ['\\Flagged']],
      [5, ['\\Flagged']],
      [appended, []],
    ]);
    // The expunge and the new message reach this session at the end of UID STORE or at NOOP.
    a.send('s3 NOOP\r\n');
    expect(`${stored}${await a.until(/s3 .*\r\n/)}`).toMatch(/\* 3 EXPUNGE\r\n\* 5 EXISTS\r\n/);
    a.send('s4 FETCH 1:* (FLAGS)\r\n');
    expect((await a.until(/s4 .*\r\n/)).match(/FLAGS \([^)]*\)/g)).toEqual([
      'FLAGS (\\Flagged)',
      'FLAGS (\\Flagged)',
      'FLAGS (\\Flagged)',
      'FLAGS (\\Flagged)',
      'FLAGS (\\Recent)',
    ]);
    a.close();
    b.close();
  });

  it('reports flag changes by another session as untagged FETCH', async () => {
    const { u } = await userWith(2);
    const a = await rawLogin(u);
    const b = await rawLogin(u);
    a.send('s1 SELECT INBOX\r\n');
    await a.until(/s1 OK.*\r\n/);
    b.send('t1 SELECT INBOX\r\nt2 STORE 2 +FLAGS (\\Flagged)\r\n');
    expect(await b.until(/t2 .*\r\n/)).toContain('* 2 FETCH (FLAGS (\\Flagged))\r\n');
    a.send('s2 NOOP\r\n');
    expect(await a.until(/s2 .*\r\n/)).toMatch(/^\* 2 FETCH \(UID \d+ FLAGS \(\\Flagged\)\)\r\ns2 OK/);
    a.close();
    b.close();
  });

  it('IDLE pushes new messages and expunges until DONE', async () => {
    const { u } = await userWith(1);
    const a = await rawLogin(u);
    a.send('i1 SELECT INBOX\r\ni2 IDLE\r\n');
    await a.until(/\+ idling\r\n/);
    const uid = await putMessage(admin, folderOf(u, 'inbox'), makeMessage('pushed'));
    expect(await a.until(/RECENT\r\n/)).toBe('* 2 EXISTS\r\n* 1 RECENT\r\n');
    const rows = await admin.call('tableQueryRows', { folderId: folderOf(u, 'inbox'), columns: ['uid'], sort: [] });
    const first = rows.rows.find((r) => r.uid !== uid);
    await admin.call('deleteObjects', { messageIds: [first?.messageId ?? 0] });
    expect(await a.until(/EXPUNGE\r\n/)).toBe('* 1 EXPUNGE\r\n');
    a.send('DONE\r\n');
    expect(await a.until(/i2 .*\r\n/)).toBe('i2 OK IDLE terminated.\r\n');
    a.close();
  });
});

describe('FETCH of header sections', () => {
  it('answers HEADER, HEADER.FIELDS(.NOT) and RFC822.HEADER from header blocks as from the whole message', async () => {
    const u = await createMailUser(admin, ['imap']);
    const raws = [
      'Subject: crlf\r\nFrom: a@example.com\r\nX-Big: 1\r\n\r\nbody\r\n\r\nmore\r\n',
      'Subject: bare lf\nFrom: b@example.com\n\nbody\n',
      'Subject: no body\r\nFrom: c@example.com\r\n',
      '\r\nstarts with its empty line\r\n',
      'Subject: multipart\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\npart\r\n--b--\r\n',
      `Subject: big\r\nFrom: d@example.com\r\n\r\n${'x'.repeat(200_000)}\r\n`,
    ].map((r) => Buffer.from(r, 'latin1'));
    // Stored through SOAP: the gateway has none of them cached.
    for (const raw of raws) await putMessage(admin, folderOf(u, 'inbox'), raw);
    const c = await rawLogin(u);
    c.send('h1 EXAMINE INBOX\r\n');
    await c.until(/h1 OK.*\r\n/);
    const items =
      'BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[HEADER.FIELDS.NOT (X-BIG)] RFC822.HEADER BODY.PEEK[HEADER]<0.10>';
    c.send(`h2 FETCH 1:* (${items})\r\n`);
    const headersFirst = await c.until(/h2 OK.*\r\n/);
    // The same items once the whole messages are loaded (and cached) in the gateway.
    c.send('h3 FETCH 1:* (BODY.PEEK[])\r\n');
    await c.until(/h3 OK.*\r\n/);
    // With an item that needs the whole message, every item is cut from the whole message.
    c.send(`h4 FETCH 1:* (BODY.PEEK[TEXT]<0.1> ${items})\r\n`);
    const fromWhole = (await c.until(/h4 OK.*\r\n/)).replace(/BODY\[TEXT\]<0> (?:\{1\}\r\n[\s\S]|\{0\}\r\n|"") /g, '');
    expect(headersFirst.replace(/h2 OK/, 'hX OK')).toBe(fromWhole.replace(/h4 OK/, 'hX OK'));
    const lit = (name: string, text: string) => `${name} {${Buffer.byteLength(text)}}\r\n${text}`;
    expect(headersFirst).toContain(
      lit('BODY[HEADER.FIELDS (SUBJECT FROM)]', 'Subject: crlf\r\nFrom: a@example.com\r\n\r\n'),
    );
    expect(headersFirst).toContain(lit('RFC822.HEADER', 'Subject: bare lf\r\nFrom: b@example.com\r\n\r\n'));
    expect(headersFirst).toContain(lit('BODY[HEADER]<0>', 'Subject: b'));
    c.close();
  });
});

describe('IMAP authentication and limits', () => {
  it('AUTHENTICATE PLAIN with SASL-IR and as a continuation; * cancels', async () => {
    const { u } = await userWith(0);
    const plain = Buffer.from(`\0${u.username}\0${u.password}`).toString('base64');
    const c = await RawClient.connect(gw.imapPort);
    await c.until(/\r\n/);
    c.send('x1 AUTHENTICATE PLAIN\r\n');
    expect(await c.until(/\r\n/)).toBe('+ \r\n');
    c.send('*\r\n');
    expect(await c.until(/\r\n/)).toBe('x1 BAD Authentication cancelled.\r\n');
    c.send('x2 AUTHENTICATE PLAIN\r\n');
    await c.until(/\r\n/);
    c.send(`${plain}\r\n`);
    expect(await c.until(/x2 .*\r\n/)).toMatch(/^x2 OK \[CAPABILITY /);
    c.close();
    const d = await RawClient.connect(gw.imapPort);
    await d.until(/\r\n/);
    d.send(`y1 AUTHENTICATE PLAIN ${plain}\r\n`);
    expect(await d.until(/y1 .*\r\n/)).toMatch(/^y1 OK \[CAPABILITY /);
    d.close();
  });

  it('refuses a user without the imap feature, bad passwords until it hangs up', async () => {
    const { u } = await userWith(0, ['pop3']);
    const c = await RawClient.connect(gw.imapPort);
    await c.until(/\r\n/);
    c.send(`a LOGIN ${u.username} ${u.password}\r\n`);
    expect(await c.until(/a .*\r\n/)).toBe('a NO [CONTACTADMIN] IMAP access is disabled for this user.\r\n');
    c.send(`b LOGIN ${u.username} wrong\r\n`);
    expect(await c.until(/b .*\r\n/)).toBe('b NO [AUTHENTICATIONFAILED] Authentication failed.\r\n');
    c.send(`c LOGIN ${u.username} wrong\r\n`);
    expect(await c.closedByServer()).toBe(
      'c NO [AUTHENTICATIONFAILED] Authentication failed.\r\n* BYE Too many authentication failures.\r\n',
    );
  });

  it('STARTTLS drops pipelined input; LOGINDISABLED before TLS on non-local connections', async () => {
    const strict = await startTestGateway(server.url, {
      KGC_IMAP_LISTEN: '0.0.0.0:0',
      KGC_DISABLE_PLAINTEXT_AUTH: 'yes',
      KGC_SSL_PRIVATE_KEY_FILE: cert.keyFile,
      KGC_SSL_CERTIFICATE_FILE: cert.certFile,
    });
    try {
      const { u } = await userWith(0);
      const net = await import('node:net');
      const tls = await import('node:tls');
      const s = net.connect({ port: strict.imapPort, host: '127.0.0.1', localAddress: '127.0.0.2' });
      let buf = '';
      const until = (re: RegExp) =>
        new Promise<string>((resolve) => {
          const check = () => {
            if (re.test(buf)) {
              s.off('data', onData);
              const out = buf;
              buf = '';
              resolve(out);
            }
          };
          const onData = (d: Buffer) => {
            buf += d.toString('latin1');
            check();
          };
          s.on('data', onData);
          check();
        });
      expect(await until(/\r\n/)).toMatch(/STARTTLS LOGINDISABLED\]/);
      s.write(`l1 LOGIN ${u.username} ${u.password}\r\n`);
      expect(await until(/l1 .*\r\n/)).toBe(
        'l1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections.\r\n',
      );
      // A whole command and a partial one (no CRLF) after STARTTLS: neither may reach the TLS session
      // (RFC 7817 §3), the partial one not even glued to the first command sent over TLS.
      s.write(`l2 STARTTLS\r\nl3 LOGIN ${u.username} ${u.password}\r\nx5 SELECT INB`);
      expect(await until(/l2 .*\r\n/)).toBe('l2 OK Begin TLS negotiation now.\r\n');
      const secure = tls.connect({ socket: s, ca: cert.cert, checkServerIdentity: () => undefined });
      await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
      let sbuf = '';
      secure.on('data', (d: Buffer) => {
        sbuf += d.toString('latin1');
      });
      secure.write('l4 CAPABILITY\r\n');
      while (!/l4 OK/.test(sbuf)) await new Promise((r) => setTimeout(r, 10));
      expect(sbuf).not.toContain('l3');
      expect(sbuf).not.toContain('x5');
      expect(sbuf).toContain('AUTH=PLAIN');
      expect(sbuf).not.toContain('STARTTLS');
      secure.destroy();
    } finally {
      await strict.close();
    }
  });

  const hostile: Array<[string, string, RegExp]> = [
    ['unknown command', 'h1 XYZZY\r\n', /^h1 BAD /],
    ['no tag', ' \r\n', /^\* BAD /],
    ['HTTP', 'GET / HTTP/1.1\r\n', /BAD /],
    ['command in the wrong state', 'h2 SELECT INBOX\r\n', /^h2 BAD Command not valid in this state\.\r\n$/],
    ['FETCH before SELECT', 'h3 FETCH 1 FLAGS\r\n', /^h3 BAD /],
    ['8-bit garbage', 'h4 \xff\xfe\x00 x\r\n', /BAD /],
    ['unbalanced parentheses', 'h5 LOGIN (a b\r\n', /^h5 BAD /],
    ['overlong line', `h6 LOGIN ${'a'.repeat(70_000)} b\r\n`, /^h6 BAD /],
  ];
  it.each(hostile)('%s gets a well-formed BAD and the connection goes on', async (_n, input, expected) => {
    const c = await RawClient.connect(gw.imapPort);
    await c.until(/\r\n/);
    c.send(Buffer.from(input, 'latin1'));
    expect(await c.until(/\r\n/)).toMatch(expected);
    c.send('z NOOP\r\n');
    expect(await c.until(/z .*\r\n/)).toMatch(/z OK NOOP completed\.\r\n$/);
    c.close();
  });

  it("hostile input once logged in: bad sequence sets, STORE on EXAMINE, other users' mailboxes", async () => {
    const { u } = await userWith(2);
    const other = await createMailUser(admin, ['imap']);
    const c = await rawLogin(u);
    const cases: Array<[string, RegExp]> = [
      ['SELECT ../x', /NO \[NONEXISTENT\]/],
      [`SELECT ${other.username}`, /NO \[NONEXISTENT\]/],
      [`SELECT "${other.username}/INBOX"`, /NO \[NONEXISTENT\]/],
      ['LIST "" "../*"', /OK LIST completed/],
      ['EXAMINE INBOX', /OK \[READ-ONLY\]/],
      ['STORE 1 +FLAGS (\\Seen)', /NO \[READ-ONLY\]/],
      ['FETCH 0 FLAGS', /BAD /],
      ['FETCH 1:2:3 FLAGS', /BAD /],
      ['FETCH 4294967296 FLAGS', /BAD /],
      ['FETCH * (FLAGS', /BAD /],
      ['FETCH 1 (BODY[1.0])', /BAD /],
      ['SEARCH CHARSET KOI8-R ALL', /NO \[BADCHARSET/],
      ['SEARCH (((((ALL', /BAD /],
      ['FETCH 99 FLAGS', /BAD Invalid message number 99/],
      ['COPY 1 nowhere', /NO \[TRYCREATE\]/],
      ['CREATE INBOX', /NO \[ALREADYEXISTS\]/],
      ['DELETE INBOX', /NO \[CANNOT\]/],
    ];
    let n = 0;
    for (const [cmd, expected] of cases) {
      n++;
      c.send(`k${n} ${cmd}\r\n`);
      const t = await c.until(new RegExp(`k${n} .*\\r\\n`));
      expect(
        t.split('\r\n').find((l) => l.startsWith(`k${n} `)),
        cmd,
      ).toMatch(expected);
      expect(t).not.toContain(other.username);
    }
    c.close();
  });

  it('closes after imap_max_fail_commands BAD answers', async () => {
    const c = await RawClient.connect(gw.imapPort);
    await c.until(/\r\n/);
    c.send('x BOGUS\r\n'.repeat(15));
    const t = await c.closedByServer();
    expect(t.match(/x BAD/g)).toHaveLength(10);
    expect(t).toMatch(/\* BYE Too many invalid commands\.\r\n$/);
  });

  it('closes a connection idle before login', async () => {
    const quick = await startTestGateway(server.url, {}, { limits: { imapIdleUnauthMs: 100 } });
    try {
      const c = await RawClient.connect(quick.imapPort);
      expect(await c.closedByServer()).toMatch(/\* BYE Idle timeout, closing connection\.\r\n$/);
    } finally {
      await quick.close();
    }
  });

  it('imaps (implicit TLS) with certificate verification, via imaplib', async () => {
    const { u } = await userWith(1);
    const script = `
import imaplib, json, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[4])
M = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
M.login(sys.argv[2], sys.argv[3])
typ, data = M.select('INBOX', readonly=True)
print(json.dumps({'exists': data[0].decode()}))
M.logout()
`;
    const r = await runPython<{ exists: string }>(script, [gw.imapsPort ?? 0, u.username, u.password, cert.certFile]);
    expect(r.exists).toBe('1');
  });
});

describe('CONDSTORE (RFC 7162)', () => {
  it('HIGHESTMODSEQ, FETCH MODSEQ and CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ, STATUS', async () => {
    const { u } = await userWith(3);
    const a = await rawLogin(u);
    const b = await rawLogin(u);
    a.send('c1 ENABLE CONDSTORE\r\n');
    expect(await a.until(/c1 .*\r\n/)).toBe('* ENABLED CONDSTORE\r\nc1 OK ENABLE completed.\r\n');
    a.send('c2 SELECT INBOX (CONDSTORE)\r\n');
    const sel = await a.until(/c2 .*\r\n/);
    const highest = Number(/\[HIGHESTMODSEQ (\d+)\]/.exec(sel)?.[1]);
    expect(highest).toBeGreaterThan(0);
    a.send('c3 FETCH 1:* (UID MODSEQ)\r\n');
    const mods = [...(await a.until(/c3 .*\r\n/)).matchAll(/MODSEQ \((\d+)\)/g)].map((m) => Number(m[1]));
    expect(mods).toHaveLength(3);
    expect(Math.max(...mods)).toBeLessThanOrEqual(highest);

    b.send('d1 SELECT INBOX\r\nd2 STORE 2 +FLAGS.SILENT (\\Answered)\r\n');
    await b.until(/d2 .*\r\n/);
    a.send(`c4 STORE 1:2 (UNCHANGEDSINCE ${highest}) +FLAGS (\\Seen)\r\n`);
    const st = await a.until(/c4 .*\r\n/);
    expect(st).toMatch(/\* 1 FETCH \(FLAGS \(\\Seen\) MODSEQ \(\d+\)\)/);
    expect(st).toMatch(/c4 OK \[MODIFIED 2\] Conditional STORE failed\.\r\n$/);
    expect(st).toMatch(/\* 2 FETCH \(UID \d+ FLAGS \(\\Answered\) MODSEQ \(\d+\)\)/);

    a.send(`c5 FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest})\r\n`);
    const changed = await a.until(/c5 .*\r\n/);
    expect(changed.match(/^\* \d FETCH/gm)).toEqual(['* 1 FETCH', '* 2 FETCH']);
    a.send(`c6 SEARCH MODSEQ ${highest + 1}\r\n`);
    expect(await a.until(/c6 .*\r\n/)).toMatch(/^\* SEARCH 1 2 \(MODSEQ \d+\)\r\nc6 OK/);
    a.send('c7 STATUS INBOX (HIGHESTMODSEQ MESSAGES)\r\n');
    const status = Number(/HIGHESTMODSEQ (\d+)/.exec(await a.until(/c7 .*\r\n/))?.[1]);
    expect(status).toBeGreaterThan(highest);
    // Silent and conditional: the stored messages are still answered, with their MODSEQ only.
    a.send(`c4b UID STORE 1:* (UNCHANGEDSINCE ${status}) +FLAGS.SILENT ($Done)\r\n`);
    const silent = await a.until(/c4b .*\r\n/);
    expect(silent.match(/^\* \d FETCH \(UID \d+ MODSEQ \(\d+\)\)$/gm)).toHaveLength(3);
    expect(silent).not.toContain('FLAGS');
    expect(silent).toMatch(/c4b OK STORE completed\.\r\n$/);
    a.close();
    b.close();
  });
});

describe('QRESYNC (RFC 7162 §3.2)', () => {
  it('resyncs at SELECT after changes by another client: VANISHED (EARLIER) and changed flags; VANISHED afterwards', async () => {
    const { u } = await userWith(4);
    const a = await rawLogin(u);
    a.send('q1 SELECT INBOX (QRESYNC (1 1))\r\n');
    expect(await a.until(/q1 .*\r\n/)).toMatch(/^q1 BAD /);
    a.send('q2 ENABLE QRESYNC\r\nq3 SELECT INBOX\r\nq4 UID FETCH 1:* (UID)\r\n');
    const first = await a.until(/q4 .*\r\n/);
    expect(first).toContain('* ENABLED QRESYNC\r\n');
    const uidValidity = Number(/UIDVALIDITY (\d+)/.exec(first)?.[1]);
    const highest = Number(/HIGHESTMODSEQ (\d+)/.exec(first)?.[1]);
    const uids = [...first.matchAll(/FETCH \(UID (\d+)\)/g)].map((m) => Number(m[1]));
    expect(uids).toHaveLength(4);
    a.send('q5 LOGOUT\r\n');
    await a.closedByServer();

    const inbox = folderOf(u, 'inbox');
    const rows = (
      await admin.call('tableQueryRows', {
        folderId: inbox,
        columns: ['uid'],
        sort: [{ column: 'uid', descending: false }],
      })
    ).rows;
    await admin.call('setMessageFlags', {
      folderId: inbox,
      messageIds: [rows[0]?.messageId ?? 0],
      add: ['\\Seen'],
      remove: [],
      replace: [],
    });
    await admin.call('deleteObjects', { messageIds: [rows[1]?.messageId ?? 0] });

    const b = await rawLogin(u);
    b.send(`r1 ENABLE QRESYNC\r\nr2 SELECT INBOX (QRESYNC (${uidValidity} ${highest} 1:1000))\r\n`);
    const resync = await b.until(/r2 .*\r\n/);
    expect(resync).toContain(`* VANISHED (EARLIER) ${uids[1]}\r\n`);
    expect(resync).toMatch(new RegExp(`\\* 1 FETCH \\(UID ${uids[0]} FLAGS \\(\\\\Seen\\) MODSEQ \\(\\d+\\)\\)\\r\\n`));
    expect(resync).not.toMatch(/\* [23] FETCH/);
    expect(resync).toContain('* 3 EXISTS\r\n');

    await admin.call('deleteObjects', { messageIds: [rows[3]?.messageId ?? 0] });
    b.send('r3 NOOP\r\n');
    expect(await b.until(/r3 .*\r\n/)).toBe(`* VANISHED ${uids[3]}\r\nr3 OK NOOP completed.\r\n`);
    b.send(`r4 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest} VANISHED)\r\n`);
    const fetched = await b.until(/r4 .*\r\n/);
    expect(fetched).toContain(`* VANISHED (EARLIER) ${uids[1]},${uids[3]}\r\n`);
    expect(fetched.match(/^\* \d FETCH/gm)).toEqual(['* 1 FETCH']);
    b.send('r5 SELECT "Sent Items"\r\n');
    expect(await b.until(/r5 .*\r\n/)).toMatch(/^\* OK \[CLOSED\] /);
    b.close();
  });
});

describe('a cold SELECT', () => {
  it('takes the folder’s status from the folder list just read: hierarchy and rows, no getFolderStatus', () =>
    throughProxy(async (c, proxy, u) => {
      expect(proxy.calls('getHierarchy')).toBe(1);
      expect(proxy.calls('getFolderStatus')).toBe(0);
      expect(proxy.calls('tableQueryRows')).toBe(1);
      const { folder } = await admin.call('getFolderStatus', { folderId: folderOf(u, 'inbox') });
      c.send('y1 STATUS INBOX (UIDNEXT UIDVALIDITY MESSAGES)\r\ny2 FETCH 1:* (UID)\r\n');
      const t = await c.until(/y2 OK.*\r\n/);
      expect(t).toContain(`* STATUS INBOX (UIDNEXT ${folder.uidNext} UIDVALIDITY ${folder.uidValidity} MESSAGES 3)`);
      expect(t.match(/ FETCH \(UID \d+\)/g)).toHaveLength(3);
    }));
});

describe('loadMessages past the server’s bytes per call', () => {
  it('asks again for what the server deferred: a body search in the gateway and a header search see every message', () =>
    throughProxy(async (c, proxy) => {
      // An older server (no searchBodies): the bodies come to the gateway.
      proxy.rule('searchBodies', { fault: 'KCERR_INVALID_PARAMETER', once: true });
      // The server answers only the first message of each call and defers the others.
      proxy.rule('loadMessages', {
        reply: (xml) => {
          const all = [...xml.matchAll(/<messages>[\s\S]*?<\/messages>/g)].map((m) => m[0]);
          const ids = all.slice(1).map((m) => /<messageId>(\d+)<\/messageId>/.exec(m)?.[1]);
          let out = xml;
          for (const m of all.slice(1)) out = out.replace(m, '');
          return out.replace(
            '</loadMessagesResponse>',
            `${ids.map((id) => `<deferred>${id}</deferred>`).join('')}</loadMessagesResponse>`,
          );
        },
      });
      // Header blocks (headersOnly): three messages, one per answer, so asked for three times.
      c.send('d2 SEARCH HEADER Message-ID example.com\r\n');
      expect(await c.until(/d2 (OK|NO|BAD).*\r\n/)).toContain('* SEARCH 1 2 3\r\n');
      expect(proxy.calls('loadMessages')).toBe(3);
      // Whole messages the same way; none loaded alone.
      c.send('d3 SEARCH BODY "body of message"\r\n');
      expect(await c.until(/d3 (OK|NO|BAD).*\r\n/)).toContain('* SEARCH 1 2 3\r\n');
      expect(proxy.calls('loadMessages')).toBe(6);
      expect(proxy.calls('loadObject')).toBe(0);
    }));
});

describe('FETCH across windows', () => {
  it('answers every body of a 600-message folder in order: windows bounded by count and bytes, large messages loaded alone', async () => {
    const u = await createMailUser(admin, ['imap']);
    const inbox = folderOf(u, 'inbox');
    // 10 KB each (6 MB: several byte-bounded windows), every 100th over PREFETCH_MAX_SIZE.
    const bodyOf = (i: number) => `${`m${i} `.repeat(i % 100 === 50 ? 80_000 : 2_500)}\r\n`;
    for (let i = 0; i < 600; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, k) => putMessage(admin, inbox, makeMessage(`w${i + k}`, bodyOf(i + k)))),
      );
    const c = await rawLogin(u);
    c.send('f1 SELECT INBOX\r\n');
    await c.until(/f1 .*\r\n/);
    c.send('f2 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT])\r\n');
    const answer = await c.until(/f2 (OK|NO|BAD).*\r\n/, 4096);
    expect(answer).toMatch(/f2 OK/);
    const seen = [
      ...answer.matchAll(
        /\* (\d+) FETCH \(BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}\r\nSubject: w(\d+)\r\n\r\n BODY\[TEXT\] \{(\d+)\}\r\nm(\d+) /g,
      ),
    ];
    expect(seen.map((m) => Number(m[1]))).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    for (const m of seen) {
      expect(m[4]).toBe(m[2]); // the body is this message's
      expect(Number(m[3])).toBe(Buffer.byteLength(bodyOf(Number(m[2]))));
    }
    for (const i of [0, 50, 299, 599]) expect(answer).toContain(`Subject: w${i}\r\n`);
    expect(answer.split(bodyOf(50)).length).toBe(2);
    c.close();
  });
});

describe('SEARCH across windows', () => {
  it('finds body and header matches in every window of a 600-message folder (bodies searched 512 at a time, by the server)', async () => {
    const u = await createMailUser(admin, ['imap']);
    const inbox = folderOf(u, 'inbox');
    await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        putMessage(
          admin,
          inbox,
          makeMessage(`topic ${i % 7 === 0 ? 'seven' : 'other'} ${i}`, `needle-${i % 250}-end\r\n`),
        ),
      ),
    );
    const c = await rawLogin(u);
    c.send('w1 SELECT INBOX\r\n');
    await c.until(/w1 .*\r\n/);
    const uidsOf = (answer: string) =>
      (/\* SEARCH([\d ]*)\r\n/.exec(answer)?.[1] ?? '').trim().split(' ').filter(Boolean).map(Number);
    // needle-7-end is in messages 7, 257 and 507 (created concurrently: their uids come from FETCH of
    // the subjects, which leaves the bodies where they are).
    c.send('w2 UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n');
    const fetched = await c.until(/w2 .*\r\n/, 4096);
    const withNeedle7 = [
      ...fetched.matchAll(/UID (\d+) BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}\r\nSubject: topic \w+ (\d+)\r\n/g),
    ]
      .filter((m) => Number(m[2]) % 250 === 7)
      .map((m) => Number(m[1]));
    expect(withNeedle7).toHaveLength(3);
    c.send('w3 UID SEARCH BODY needle-7-end\r\n');
    expect(uidsOf(await c.until(/w3 .*\r\n/))).toEqual(withNeedle7.sort((a, b) => a - b));
    c.send('w4 SEARCH SUBJECT seven\r\n');
    expect(uidsOf(await c.until(/w4 .*\r\n/))).toHaveLength(86);
    c.send('w5 SEARCH TEXT needle-249-end NOT SUBJECT seven\r\n');
    // needle-249-end: messages 249 and 499, neither with subject seven.
    expect(uidsOf(await c.until(/w5 .*\r\n/))).toHaveLength(2);
    // ENVELOPE over two FETCH batches (500 each, the second asked for while the first is written),
    // then again from the answer cache: every message once, in order, with its own subject.
    for (const tag of ['w6', 'w7']) {
      c.send(`${tag} FETCH 1:* (UID ENVELOPE)\r\n`);
      const answer = await c.until(new RegExp(`${tag} OK[^\r\n]*\r\n`), 4096);
      const rows = [
        ...answer.matchAll(/^\* (\d+) FETCH \(UID (\d+) ENVELOPE \("[^"]*" "topic (?:seven|other) (\d+)"/gm),
      ];
      expect(rows.map((m) => Number(m[1]))).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
      expect(new Set(rows.map((m) => m[3])).size).toBe(600);
    }
    c.close();
  });
});

describe('SEARCH SUBJECT', () => {
  it('matches every Subject field, from the values kept with the rows or, for a subject too long to keep, the header', async () => {
    const { u } = await userWith(0);
    const inbox = folderOf(u, 'inbox');
    const msg = (head: string) => Buffer.from(`${head}From: a@example.com\r\n\r\nbody\r\n`);
    await putMessage(admin, inbox, msg('Subject: the first\r\nSubject: =?UTF-8?Q?zw=C3=B6lf?= second\r\n'));
    await putMessage(admin, inbox, msg(`Subject: ${'long '.repeat(2000)}tail-word\r\n`));
    await putMessage(admin, inbox, msg('Subject: plain\r\n'));
    const c = await rawLogin(u);
    c.send('s1 SELECT INBOX\r\n');
    await c.until(/s1 .*\r\n/);
    const search = async (tag: string, what: string) => {
      c.send(`${tag} UID SEARCH ${what}\r\n`);
      const answer = await c.until(new RegExp(`${tag} (OK|NO|BAD).*\r\n`));
      expect(answer).toContain(`${tag} OK`);
      return (/\* SEARCH([\d ]*)\r\n/.exec(answer)?.[1] ?? '').trim();
    };
    // First from the rows (one table query), then from the cache; after a FETCH of ENVELOPE too.
    expect(await search('s2', 'CHARSET UTF-8 SUBJECT {6+}\r\nZWÖLF')).toBe('1');
    expect(await search('s3', 'SUBJECT first')).toBe('1');
    expect(await search('s4', 'SUBJECT tail-word')).toBe('2');
    expect(await search('s5', 'OR SUBJECT plain SUBJECT second')).toBe('1 3');
    expect(await search('s6', 'NOT SUBJECT o')).toBe('3');
    c.send('s7 UID FETCH 1:* (ENVELOPE)\r\n');
    await c.until(/s7 OK.*\r\n/, 64);
    expect(await search('s8', 'SUBJECT SECOND')).toBe('1');
    c.close();
  });
});

/**
 * A gateway reaching the server through a SOAP proxy that misbehaves on request, and a session
 * of a new user with three messages, INBOX selected (tags x0, x1).
 */
async function throughProxy(
  test: (c: RawClient, proxy: Awaited<ReturnType<typeof startSoapProxy>>, u: MailUser) => Promise<void>,
): Promise<void> {
  const proxy = await startSoapProxy(server.url);
  const viaProxy = await startTestGateway(proxy.url);
  try {
    const { u } = await userWith(3);
    const c = await RawClient.connect(viaProxy.imapPort);
    await c.until(/^\* OK .*\r\n/);
    c.send(`x0 LOGIN ${u.username} ${u.password}\r\nx1 SELECT INBOX\r\n`);
    await c.until(/x1 OK.*\r\n/);
    await test(c, proxy, u);
    c.close();
  } finally {
    await viaProxy.close();
    await proxy.close();
  }
}

describe('login: one server call', () => {
  it('takes the user from logon; an older server’s logon (without it) costs a getUser, and features gate both', async () => {
    const proxy = await startSoapProxy(server.url);
    const viaProxy = await startTestGateway(proxy.url);
    try {
      const { u } = await userWith(1);
      const login = async (user: string, password: string) => {
        const c = await RawClient.connect(viaProxy.imapPort);
        await c.until(/^\* OK .*\r\n/);
        c.send(`l1 LOGIN ${user} ${password}\r\n`);
        const reply = await c.until(/l1 .*\r\n/);
        c.close();
        return reply;
      };
      expect(await login(u.username, u.password)).toMatch(/l1 OK/);
      expect([proxy.calls('logon'), proxy.calls('getUser')]).toEqual([1, 0]);
      proxy.rule('logon', { reply: (xml) => xml.replace(/<user>[\s\S]*<\/user>/, '') });
      const other = await createMailUser(admin, ['imap']);
      expect(await login(other.username, other.password)).toMatch(/l1 OK/);
      expect([proxy.calls('logon'), proxy.calls('getUser')]).toEqual([2, 1]);
      const noImap = await createMailUser(admin, ['pop3']);
      expect(await login(noImap.username, noImap.password)).toMatch(/l1 NO/);
      proxy.rule('logon', 'pass');
      const noImap2 = await createMailUser(admin, ['pop3']);
      expect(await login(noImap2.username, noImap2.password)).toMatch(/l1 NO/);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });
});

describe('SEARCH when the server fails', () => {
  it('answers NO [UNAVAILABLE], never OK with matches missing', () =>
    throughProxy(async (c, proxy) => {
      const loads = ['tableQueryRows', 'loadMessages', 'loadObject', 'searchBodies'];
      for (const op of loads) proxy.rule(op, { fault: 'KCERR_DATABASE_ERROR' });
      c.send('f2 SEARCH SUBJECT message\r\n');
      expect(await c.until(/f2 .*\r\n/)).toMatch(/f2 NO \[UNAVAILABLE\]/);
      c.send('f3 SEARCH BODY message\r\n');
      expect(await c.until(/f3 .*\r\n/)).toMatch(/f3 NO \[UNAVAILABLE\]/);
      for (const op of loads) proxy.rule(op, 'pass');
      c.send('f4 SEARCH SUBJECT message\r\n');
      expect(await c.until(/f4 OK.*\r\n/)).toContain('* SEARCH 1 2 3\r\n');
    }));
});

describe('a server without the searchSubjects column (gateway upgraded first)', () => {
  it('fetches ENVELOPE without it and searches subjects from the headers', () =>
    throughProxy(async (c, proxy) => {
      proxy.rule('tableQueryRows', { fault: 'KCERR_INVALID_PARAMETER', once: true });
      c.send('v2 FETCH 1:* (ENVELOPE)\r\n');
      const fetched = await c.until(/v2 (OK|NO|BAD).*\r\n/, 64);
      expect(fetched).toMatch(/v2 OK/);
      expect(fetched.match(/ENVELOPE \(/g)).toHaveLength(3);
      const loadsBefore = proxy.calls('loadMessages');
      c.send('v3 SEARCH SUBJECT "message 2"\r\n');
      expect(await c.until(/v3 OK.*\r\n/)).toContain('* SEARCH 2\r\n');
      expect(proxy.calls('loadMessages')).toBeGreaterThan(loadsBefore);
    }));
});

describe('SEARCH BODY where the bodies are', () => {
  it('asks the server which bodies match instead of loading them; searches the bodies it holds itself', () =>
    throughProxy(async (c, proxy) => {
      c.send('b2 SEARCH BODY "message 2"\r\n');
      expect(await c.until(/b2 OK.*\r\n/)).toContain('* SEARCH 2\r\n');
      expect(proxy.calls('searchBodies')).toBe(1);
      expect(proxy.calls('loadMessages')).toBe(0);
      // Bodies fetched by the client are in the gateway's cache: searched there, no call.
      c.send('b3 FETCH 1:* (BODY.PEEK[])\r\n');
      await c.until(/b3 OK.*\r\n/, 64);
      const before = proxy.calls('searchBodies');
      c.send('b4 SEARCH OR BODY "MESSAGE 3" TEXT "message 1"\r\n');
      expect(await c.until(/b4 OK.*\r\n/)).toContain('* SEARCH 1 3\r\n');
      expect(proxy.calls('searchBodies')).toBe(before);
    }));

  it('searches here what the server cannot be asked for, and keeps asking it the rest', () =>
    throughProxy(async (c, proxy, u) => {
      await putMessage(admin, folderOf(u, 'inbox'), makeMessage('controls', 'form\ffeed and words\r\n'));
      c.send('b5 NOOP\r\n');
      await c.until(/b5 OK.*\r\n/);
      // A form feed (XML cannot carry it) and a text over the API's 4096 characters: searched here.
      c.send('b6 SEARCH BODY {9}\r\nform\ffeed\r\n');
      expect(await c.until(/b6 (OK|NO|BAD).*\r\n/)).toContain('* SEARCH 4\r\n');
      const long = 'x'.repeat(5000);
      c.send(`b7 SEARCH OR BODY {${long.length}}\r\n${long} BODY "message 3"\r\n`);
      expect(await c.until(/b7 (OK|NO|BAD).*\r\n/)).toContain('* SEARCH 3\r\n');
      // Those bodies are in the gateway's cache now; two new ones are not. More texts than one
      // call takes (64): two calls for them; the server is still asked.
      for (const n of [5, 6]) await putMessage(admin, folderOf(u, 'inbox'), makeMessage(`new ${n}`, 'more words\r\n'));
      c.send('b8 NOOP\r\n');
      await c.until(/b8 OK.*\r\n/);
      const before = proxy.calls('searchBodies');
      const keys = Array.from({ length: 70 }, (_, i) => `NOT BODY "absent-${i}"`).join(' ');
      c.send(`b9 SEARCH ${keys} BODY "words"\r\n`);
      expect(await c.until(/b9 (OK|NO|BAD).*\r\n/)).toContain('* SEARCH 4 5 6\r\n');
      expect(proxy.calls('searchBodies')).toBe(before + 2);
    }));
});

describe('a server without searchBodies (gateway upgraded first)', () => {
  it('searches bodies loaded in byte-bounded groups (more than SEARCH_HERE_BYTES in all)', () =>
    throughProxy(async (c, proxy, u) => {
      proxy.rule('searchBodies', { fault: 'KCERR_INVALID_PARAMETER', once: true });
      // 40 messages of ~240 KB (under PREFETCH_MAX_SIZE): ~9.6 MB, two groups; the needle in every tenth.
      for (let i = 0; i < 40; i++)
        await putMessage(
          admin,
          folderOf(u, 'inbox'),
          makeMessage(
            `big ${i}`,
            `${'filler line of text\r\n'.repeat(12_000)}${i % 10 === 9 ? 'needle-in-big\r\n' : ''}`,
          ),
        );
      c.send('g2 NOOP\r\n');
      await c.until(/g2 OK.*\r\n/);
      c.send('g3 SEARCH BODY needle-in-big\r\n');
      expect(await c.until(/g3 (OK|NO|BAD).*\r\n/)).toContain('* SEARCH 13 23 33 43\r\n');
      expect(proxy.calls('loadMessages')).toBeGreaterThanOrEqual(2);
    }));

  it('loads the bodies and searches them itself, and asks no more', () =>
    throughProxy(async (c, proxy) => {
      proxy.rule('searchBodies', { fault: 'KCERR_INVALID_PARAMETER', once: true });
      c.send('w2 SEARCH BODY "message 2"\r\n');
      expect(await c.until(/w2 (OK|NO|BAD).*\r\n/)).toContain('* SEARCH 2\r\n');
      expect(proxy.calls('loadMessages')).toBeGreaterThan(0);
      c.send('w3 SEARCH NOT BODY "message 2"\r\n');
      expect(await c.until(/w3 (OK|NO|BAD).*\r\n/)).toContain('* SEARCH 1 3\r\n');
      expect(proxy.calls('searchBodies')).toBe(1);
    }));
});

describe('ESEARCH (RFC 4731)', () => {
  it('RETURN (MIN MAX COUNT ALL), RETURN () and no match', async () => {
    const { u } = await userWith(5);
    const c = await rawLogin(u);
    c.send('e1 SELECT INBOX\r\ne2 STORE 2,4:5 +FLAGS.SILENT (\\Flagged)\r\n');
    await c.until(/e2 .*\r\n/);
    c.send('e3 SEARCH RETURN (MIN MAX COUNT) FLAGGED\r\n');
    expect(await c.until(/e3 .*\r\n/)).toBe('* ESEARCH (TAG "e3") MIN 2 MAX 5 COUNT 3\r\ne3 OK SEARCH completed.\r\n');
    c.send('e4 SEARCH RETURN () FLAGGED\r\n');
    expect(await c.until(/e4 .*\r\n/)).toBe('* ESEARCH (TAG "e4") ALL 2,4:5\r\ne4 OK SEARCH completed.\r\n');
    c.send('e5 UID SEARCH RETURN (COUNT MIN) DELETED\r\n');
    expect(await c.until(/e5 .*\r\n/)).toBe('* ESEARCH (TAG "e5") UID COUNT 0\r\ne5 OK SEARCH completed.\r\n');
    c.send('e6 SEARCH RETURN (SAVE) ALL\r\n');
    expect(await c.until(/e6 .*\r\n/)).toMatch(/^e6 BAD /);
    c.close();
  });
});

describe('LIST-EXTENDED and LIST-STATUS', () => {
  it('selection SUBSCRIBED/RECURSIVEMATCH/SPECIAL-USE, several patterns, RETURN (SUBSCRIBED STATUS)', async () => {
    const { u } = await userWith(2);
    const c = await rawLogin(u);
    c.send(
      'l1 CREATE Projects/alpha\r\nl2 CREATE Projects/beta\r\nl3 UNSUBSCRIBE Projects\r\nl4 UNSUBSCRIBE Projects/beta\r\n',
    );
    await c.until(/l4 .*\r\n/);
    c.send('l5 LIST (SUBSCRIBED) "" "Projects*"\r\n');
    expect(await c.until(/l5 .*\r\n/)).toBe(
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Projects/alpha"\r\nl5 OK LIST completed.\r\n',
    );
    c.send('l6 LIST (SUBSCRIBED RECURSIVEMATCH) "" "Proj%"\r\n');
    expect(await c.until(/l6 .*\r\n/)).toBe(
      '* LIST (\\HasChildren) "/" "Projects" ("CHILDINFO" ("SUBSCRIBED"))\r\nl6 OK LIST completed.\r\n',
    );
    c.send('l7 LIST (SPECIAL-USE) "" "*"\r\n');
    const special = await c.until(/l7 .*\r\n/);
    expect(special.match(/^\* LIST/gm)).toHaveLength(4);
    expect(special).toContain('\\Sent) "/" "Sent Items"');
    c.send('l8 LIST "" ("INBOX" "Projects/%") RETURN (SUBSCRIBED STATUS (MESSAGES UNSEEN))\r\n');
    expect(await c.until(/l8 .*\r\n/)).toBe(
      '* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"\r\n* STATUS INBOX (MESSAGES 2 UNSEEN 2)\r\n' +
        '* LIST (\\HasNoChildren \\Subscribed) "/" "Projects/alpha"\r\n* STATUS Projects/alpha (MESSAGES 0 UNSEEN 0)\r\n' +
        '* LIST (\\HasNoChildren) "/" "Projects/beta"\r\n* STATUS Projects/beta (MESSAGES 0 UNSEEN 0)\r\n' +
        'l8 OK LIST completed.\r\n',
    );
    c.close();
  });
});
