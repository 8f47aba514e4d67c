/**
 * Hostile and broken input over a raw socket: every case gets a clear reply (or a 421 and a
 * close), the dagent keeps serving, and an aborted transaction stores nothing.
 */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { MAX_COMMAND_LINE } from './limits.js';
import {
  countIn,
  createStoreUser,
  type DagentUnderTest,
  folderOf,
  makeMessage,
  messagesIn,
  type StoreUser,
  splitStored,
  startTestDagent,
} from './testing/harness.js';
import { RawLmtp } from './testing/lmtp-clients.js';

let server: TestServer;
let admin: KgcSession;
let lmtp: DagentUnderTest;
let u: StoreUser;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  lmtp = await startTestDagent(server.url, server.secret, { KGC_LMTP_MAX_MESSAGESIZE: '64k' });
  u = await createStoreUser(admin);
});

afterAll(async () => {
  await lmtp?.close();
  await server?.close();
});

/** A connection past the greeting and LHLO. */
async function session(): Promise<RawLmtp> {
  const c = await RawLmtp.connect(lmtp.port);
  expect(await c.reply()).toMatch(/^220 /);
  expect(await c.command('LHLO mta.test')).toMatch(/^250 /m);
  return c;
}

async function stillServes(): Promise<void> {
  const c = await session();
  expect(await c.command('NOOP')).toMatch(/^250 /);
  c.close();
}

describe('bad input', () => {
  it('an over-long command line: 421 and close; the next client is served', async () => {
    const c = await session();
    c.write(`MAIL FROM:<${'a'.repeat(MAX_COMMAND_LINE + 10)}@example.net>\r\n`);
    expect(await c.reply()).toMatch(/^421 .*too long/i);
    expect(await c.reply()).toBeNull();
    await stillServes();
  });

  it('garbage commands: 500 each, 421 after ten; out-of-order commands: 503; bad address: 501', async () => {
    const c = await session();
    expect(await c.command('DATA')).toMatch(/^503 5\.5\.1 /);
    expect(await c.command('RCPT TO:<x@example.com>')).toMatch(/^503 5\.5\.1 /);
    expect(await c.command('MAIL FROM:<s@example.net>')).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<not an address>')).toMatch(/^501 /);
    const replies: Array<string | null> = [];
    for (let i = 0; i < 10; i++) replies.push(await c.command(i % 2 ? 'FOO BAR' : '\x01\x02\xff\xfe garbage'));
    expect(replies.slice(0, 9).every((r) => r?.startsWith('500 5.5.2 '))).toBe(true);
    expect(replies[9]).toMatch(/^421 /);
    expect(await c.reply()).toBeNull();
    await stillServes();
  });

  it('an HTTP request on the LMTP port: 421', async () => {
    const c = await RawLmtp.connect(lmtp.port);
    expect(await c.reply()).toMatch(/^220 /);
    expect(await c.command('GET / HTTP/1.1')).toMatch(/^421 /);
    c.close();
  });

  it('DATA over lmtp_max_messagesize: 552 5.3.4 for every recipient, nothing stored', async () => {
    const other = await createStoreUser(admin);
    const c = await session();
    expect(await c.command('MAIL FROM:<s@example.net> SIZE=100000')).toMatch(/^552 5\.3\.4 /);
    expect(await c.command('MAIL FROM:<s@example.net>')).toMatch(/^250 /);
    expect(await c.command(`RCPT TO:<${u.email}>`)).toMatch(/^250 /);
    expect(await c.command(`RCPT TO:<${other.email}>`)).toMatch(/^250 /);
    expect(await c.command('DATA')).toMatch(/^354 /);
    c.write(makeMessage({ body: `${'z'.repeat(998)}\r\n`.repeat(80) }));
    c.write('.\r\n');
    expect(await c.reply()).toMatch(/^552 5\.3\.4 /);
    expect(await c.reply()).toMatch(/^552 5\.3\.4 /);
    // The session goes on.
    expect(await c.command('RSET')).toMatch(/^250 /);
    c.close();
    expect(await countIn(admin, folderOf(u, 'inbox'))).toBe(0);
    expect(await countIn(admin, folderOf(other, 'inbox'))).toBe(0);
  });

  it('a client that disconnects mid-DATA: nothing stored, the dagent keeps serving', async () => {
    const c = await session();
    await c.command('MAIL FROM:<s@example.net>');
    await c.command(`RCPT TO:<${u.email}>`);
    expect(await c.command('DATA')).toMatch(/^354 /);
    c.write(makeMessage().subarray(0, 100));
    await new Promise((r) => setTimeout(r, 100));
    c.close();
    await new Promise((r) => setTimeout(r, 300));
    await stillServes();
    expect(await countIn(admin, folderOf(u, 'inbox'))).toBe(0);
  });

  it('RSET and QUIT after RCPT store nothing', async () => {
    const c = await session();
    await c.command('MAIL FROM:<s@example.net>');
    await c.command(`RCPT TO:<${u.email}>`);
    expect(await c.command('RSET')).toMatch(/^250 /);
    await c.command('MAIL FROM:<s@example.net>');
    await c.command(`RCPT TO:<${u.email}>`);
    expect(await c.command('QUIT')).toMatch(/^221 /);
    c.close();
    expect(await countIn(admin, folderOf(u, 'inbox'))).toBe(0);
  });

  it('over-long lines inside DATA are message content: stored byte for byte', async () => {
    const raw = makeMessage({ body: `${'L'.repeat(20_000)}\r\nshort\r\n` });
    const c = await session();
    await c.command('MAIL FROM:<s@example.net>');
    await c.command(`RCPT TO:<${u.email}>`);
    expect(await c.command('DATA')).toMatch(/^354 /);
    c.write(raw);
    c.write('.\r\n');
    expect(await c.reply()).toMatch(/^250 2\.1\.5 /);
    c.close();
    const [m] = await messagesIn(admin, folderOf(u, 'inbox'));
    expect(splitStored(m?.raw ?? Buffer.alloc(0), raw).tail.equals(raw)).toBe(true);
  });
});
