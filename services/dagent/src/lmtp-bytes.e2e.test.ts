/**
 * Messages are stored exactly as received (after the trace headers the dagent prepends): 8-bit
 * headers, broken MIME, lines starting with a dot, bare LF, and a 25 MB message, over both
 * clients, fetched back through SOAP (loadObject withRaw) and compared byte for byte.
 */
import { randomBytes } from 'node:crypto';
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import {
  createStoreUser,
  type DagentUnderTest,
  folderOf,
  messagesIn,
  type StoreUser,
  splitStored,
  startTestDagent,
} from './testing/harness.js';
import { dataBlock, RawLmtp, sendNodemailer, sendPython } from './testing/lmtp-clients.js';

let server: TestServer;
let admin: KgcSession;
let lmtp: DagentUnderTest;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  lmtp = await startTestDagent(server.url, server.secret);
});

afterAll(async () => {
  await lmtp?.close();
  await server?.close();
});

async function storedOnly(u: StoreUser): Promise<Buffer> {
  const all = await messagesIn(admin, folderOf(u, 'inbox'));
  expect(all).toHaveLength(1);
  return all[0]?.raw ?? Buffer.alloc(0);
}

const EIGHT_BIT = Buffer.concat([
  Buffer.from(
    'From: =?utf-8?q?J=C3=B6rg?= <joerg@example.net>\r\nTo: Ünïcødé <u@example.com>\r\nSubject: Grüße aus Köln — ☃\r\n',
    'utf8',
  ),
  Buffer.from([...Buffer.from('X-Latin1: caf'), 0xe9, 0x0d, 0x0a]),
  Buffer.from('Message-ID: <8bit@example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n', 'utf8'),
  Buffer.from('Körper mit Umlauten.\r\n.leading dot line\r\n..two dots\r\n', 'utf8'),
]);

const MALFORMED = Buffer.from(
  'From: broken\r\n' +
    'this header line has no colon\r\n' +
    'Subject: =?x-unknown?B?!!!not-base64?=\r\n' +
    'Content-Type: multipart/mixed; boundary="never-closed"\r\n' +
    'Content-Transfer-Encoding: base64\r\n' +
    '\r\n' +
    '--never-closed\r\n' +
    'Content-Type: text/plain; charset=no-such-charset\r\n' +
    'Content-Transfer-Encoding: quoted-printable\r\n' +
    '\r\n' +
    'soft break =\r\nbroken escape =ZZ and a bare LF\nhere\r\n' +
    '--never-closed\r\n' +
    'Content-Type: application/octet-stream\r\n' +
    'Content-Transfer-Encoding: base64\r\n' +
    '\r\n' +
    '%%%% not base64 at all %%%%\r\n',
  'latin1',
);

describe('byte-exact storage', () => {
  it('8-bit headers and dot lines (Python)', async () => {
    const u = await createStoreUser(admin);
    const r = await sendPython(lmtp.port, 's@example.net', [u.email], EIGHT_BIT);
    expect(r.data).toEqual([[250, `2.1.5 <${u.email}> Delivered`]]);
    expect(splitStored(await storedOnly(u), EIGHT_BIT).tail.equals(EIGHT_BIT)).toBe(true);
  });

  it('8-bit headers (nodemailer)', async () => {
    const u = await createStoreUser(admin);
    await sendNodemailer(lmtp.port, { from: 's@example.net', to: [u.email] }, EIGHT_BIT);
    expect(splitStored(await storedOnly(u), EIGHT_BIT).tail.equals(EIGHT_BIT)).toBe(true);
  });

  it('a malformed MIME message is delivered as it is, with the columns that could be filled', async () => {
    const u = await createStoreUser(admin);
    const r = await sendPython(lmtp.port, 's@example.net', [u.email], MALFORMED);
    expect(r.data[0]?.[0]).toBe(250);
    const stored = await storedOnly(u);
    expect(splitStored(stored, MALFORMED).tail.equals(MALFORMED)).toBe(true);
    const { rows } = await admin.call('tableQueryRows', {
      folderId: folderOf(u, 'inbox'),
      columns: ['size', 'subject', 'fromAddr'],
      sort: [],
    });
    expect(rows[0]?.size).toBe(stored.length);
    expect(rows[0]?.subject).toBeDefined();
  });

  it('SMTPUTF8: a UTF-8 envelope sender reaches Return-Path as UTF-8', async () => {
    const u = await createStoreUser(admin);
    const c = await RawLmtp.connect(lmtp.port);
    await c.reply();
    await c.command('LHLO mta.test');
    expect(await c.command('MAIL FROM:<jörg@exämple.net> SMTPUTF8 BODY=8BITMIME')).toMatch(/^250 /);
    expect(await c.command(`RCPT TO:<${u.email}>`)).toMatch(/^250 /);
    expect(await c.command('DATA')).toMatch(/^354 /);
    c.write(dataBlock(EIGHT_BIT));
    expect(await c.reply()).toMatch(/^250 2\.1\.5 /);
    c.close();
    const { trace, tail } = splitStored(await storedOnly(u), EIGHT_BIT);
    expect(tail.equals(EIGHT_BIT)).toBe(true);
    expect(trace).toMatch(/^Return-Path: <jörg@exämple\.net>\r\nReceived: /);
  });

  it('a 25 MB message', async () => {
    const u = await createStoreUser(admin);
    const line = randomBytes(57 * 1024)
      .toString('base64')
      .replace(/(.{76})/g, '$1\r\n');
    const parts = [
      Buffer.from(
        'From: big@example.net\r\nSubject: 25 MB\r\nMIME-Version: 1.0\r\n' +
          'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      ),
    ];
    let size = parts[0]?.length ?? 0;
    while (size < 25 * 1024 * 1024) {
      const b = Buffer.from(`${line}\r\n`);
      parts.push(b);
      size += b.length;
    }
    const raw = Buffer.concat(parts);
    const r = await sendNodemailer(lmtp.port, { from: 'big@example.net', to: [u.email] }, raw);
    expect(r.accepted).toEqual([u.email]);
    const stored = await storedOnly(u);
    expect(stored.length).toBeGreaterThan(raw.length);
    expect(splitStored(stored, raw).tail.equals(raw)).toBe(true);
  }, 60_000);
});
