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
