/**
 * LMTP delivery end to end: a real server (SQLite, in-process), the dagent on a real socket,
 * nodemailer's LMTP transport and Python's smtplib.LMTP as clients; stored messages fetched
 * back through SOAP (loadObject withRaw) and compared byte for byte.
 */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
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
import { RawLmtp, sendNodemailer, sendPython } from './testing/lmtp-clients.js';

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

const TRACE =
  /^Return-Path: <[^>]*>\r\nReceived: from \S+ \(\S+ \[[^\]]*\]\)\r\n\tby lmtp\.test \(KGC-TS dagent\) with LMTP id \S+(\r\n\tfor <[^>]+>)?; \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\n$/;

describe('LMTP delivery', () => {
  it('greets and advertises the extensions in LHLO', async () => {
    const c = await RawLmtp.connect(lmtp.port);
    try {
      expect(await c.reply()).toMatch(/^220 lmtp\.test LMTP/);
      const lhlo = await c.command('LHLO mta.test');
      for (const ext of ['PIPELINING', '8BITMIME', 'ENHANCEDSTATUSCODES', 'SMTPUTF8', `SIZE ${128 * 1024 * 1024}`])
        expect(lhlo).toMatch(new RegExp(`^250[- ]${ext}$`, 'm'));
      expect(lhlo).not.toContain('STARTTLS');
      expect(lhlo).not.toContain('AUTH');
      expect(await c.command('HELO mta.test')).toMatch(/^500 /);
      expect(await c.command('QUIT')).toMatch(/^221 /);
    } finally {
      c.close();
    }
  });

  it('delivers one message byte for byte, with Return-Path and Received prepended', async () => {
    const u = await createStoreUser(admin);
    const raw = makeMessage();
    const r = await sendNodemailer(lmtp.port, { from: 'sender@example.net', to: [u.email] }, raw);
    expect(r.accepted).toEqual([u.email]);
    const [m, ...more] = await messagesIn(admin, folderOf(u, 'inbox'));
    expect(more).toHaveLength(0);
    const { trace, tail } = splitStored(m?.raw ?? Buffer.alloc(0), raw);
    expect(tail.equals(raw)).toBe(true);
    expect(trace).toMatch(TRACE);
    expect(trace).toContain('Return-Path: <sender@example.net>\r\n');
    expect(trace).toContain(`for <${u.email}>`);
  });

  it('answers every recipient in RCPT order: over quota (SIZE known) 552 at RCPT, unknown 550 5.1.1, fine 250', async () => {
    const fine = await createStoreUser(admin);
    const full = await createStoreUser(admin);
    await admin.call('SetQuota', { username: full.username, quota: { override: true, warn: 0, soft: 0, hard: 1000 } });
    const raw = makeMessage({ body: `${'x'.repeat(2000)}\r\n` });
    const r = await sendPython(lmtp.port, 'sender@example.net', [full.email, 'nobody@example.com', fine.email], raw);
    expect(r.error).toBeUndefined();
    expect(r.rcpt[0]).toEqual([552, `5.2.2 <${full.email}> Quota exceeded`]);
    expect(r.rcpt[1]).toEqual([550, '5.1.1 <nobody@example.com> User does not exist']);
    expect(r.rcpt[2]?.[0]).toBe(250);
    expect(r.data).toEqual([[250, `2.1.5 <${fine.email}> Delivered`]]);
    expect(await countIn(admin, folderOf(fine, 'inbox'))).toBe(1);
    expect(await countIn(admin, folderOf(full, 'inbox'))).toBe(0);
  });

  it('asks the server about a user without a hard limit once per RESOLVE_CACHE_MS; a limit set meanwhile holds at delivery', async () => {
    const u = await createStoreUser(admin);
    const quotaCalls = async () => {
      const text = await (await fetch(new URL('/metrics', server.url))).text();
      return Number(/kgc_soap_calls_total\{[^}]*op="GetQuotaStatus"[^}]*result="ok"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await quotaCalls();
    for (let i = 0; i < 3; i++) {
      const r = await sendPython(lmtp.port, 's@example.net', [u.email], makeMessage());
      expect(r.data).toEqual([[250, `2.1.5 <${u.email}> Delivered`]]);
    }
    expect((await quotaCalls()) - before).toBe(1);
    // A hard limit set within the period: RCPT does not know it yet, the server refuses at delivery.
    await admin.call('SetQuota', { username: u.username, quota: { override: true, warn: 0, soft: 0, hard: 1000 } });
    const r = await sendPython(lmtp.port, 's@example.net', [u.email], makeMessage({ body: `${'x'.repeat(2000)}\r\n` }));
    expect(r.rcpt[0]?.[0]).toBe(250);
    expect(r.data).toEqual([[452, `4.2.2 <${u.email}> Mailbox full, try again later`]]);
    expect(await countIn(admin, folderOf(u, 'inbox'))).toBe(3);
  });

  it("without SIZE the quota is the server's at delivery: 452 4.2.2 for that recipient only, in order", async () => {
    const a = await createStoreUser(admin);
    const full = await createStoreUser(admin);
    const b = await createStoreUser(admin);
    // Already over: the server refuses at delivery (nothing stored for that user).
    await admin.call('SetQuota', { username: full.username, quota: { override: true, warn: 0, soft: 0, hard: 10 } });
    await admin.call('createMessage', {
      folderId: folderOf(full, 'inbox'),
      raw: makeMessage({ body: `${'y'.repeat(100)}\r\n` }),
      flags: [],
      props: [],
    });
    const raw = makeMessage();
    const r = await sendPython(lmtp.port, 's@example.net', [a.email, 'ghost@example.com', full.email, b.email], raw, {
      size: false,
    });
    expect(r.rcpt.map((x) => x[0])).toEqual([250, 550, 250, 250]);
    expect(r.data).toEqual([
      [250, `2.1.5 <${a.email}> Delivered`],
      [452, `4.2.2 <${full.email}> Mailbox full, try again later`],
      [250, `2.1.5 <${b.email}> Delivered`],
    ]);
    // One server transaction and one blob: both copies are the same bytes.
    const [ma] = await messagesIn(admin, folderOf(a, 'inbox'));
    const [mb] = await messagesIn(admin, folderOf(b, 'inbox'));
    expect(ma?.raw.equals(mb?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(splitStored(ma?.raw ?? Buffer.alloc(0), raw).trace).not.toContain('for <');
    expect(await countIn(admin, folderOf(full, 'inbox'))).toBe(1);
  });

  it('nodemailer sees the same per-recipient results', async () => {
    const ok = await createStoreUser(admin);
    const full = await createStoreUser(admin);
    await admin.call('SetQuota', { username: full.username, quota: { override: true, warn: 0, soft: 0, hard: 10 } });
    await admin.call('createMessage', {
      folderId: folderOf(full, 'inbox'),
      raw: makeMessage({ body: `${'y'.repeat(100)}\r\n` }),
      flags: [],
      props: [],
    });
    const r = await sendNodemailer(
      lmtp.port,
      { from: 's@example.net', to: [full.email, 'nobody2@example.com', ok.email] },
      makeMessage(),
    );
    expect(r.accepted).toEqual([ok.email]);
    expect(r.rejected.sort()).toEqual([full.email, 'nobody2@example.com'].sort());
    expect(r.errors.get('nobody2@example.com')).toMatch(/^550 5\.1\.1 /);
    expect(r.errors.get(full.email)).toMatch(/^452 4\.2\.2 /);
  });

  it('delivers once to a user named by two of its addresses', async () => {
    const alias = `alias-${Date.now()}@example.com`;
    const u = await createStoreUser(admin, [alias]);
    const r = await sendPython(lmtp.port, 's@example.net', [u.email, alias], makeMessage());
    expect(r.rcpt.map((x) => x[0])).toEqual([250, 250]);
    expect(r.data).toEqual([
      [250, `2.1.5 <${u.email}> Delivered`],
      [250, `2.1.5 <${alias}> Delivered`],
    ]);
    expect(await countIn(admin, folderOf(u, 'inbox'))).toBe(1);
  });
});

describe('folders', () => {
  let u: StoreUser;
  let lists: number;
  beforeAll(async () => {
    u = await createStoreUser(admin);
    const { folder } = await admin.call('createFolder', { storeId: u.storeId, name: 'Lists' });
    lists = folder.folderId;
  });

  it('plus-addressing: into the named folder when it exists (any case), else Inbox', async () => {
    const [local, domain] = u.email.split('@');
    await sendPython(lmtp.port, 's@example.net', [`${local}+lists@${domain}`], makeMessage());
    await sendPython(lmtp.port, 's@example.net', [`${local}+nosuch@${domain}`], makeMessage());
    expect(await countIn(admin, lists)).toBe(1);
    expect(await countIn(admin, folderOf(u, 'inbox'))).toBe(1);
  });

  it('junk: spam_header_name matching spam_header_value goes to Junk E-mail', async () => {
    const before = await countIn(admin, folderOf(u, 'inbox'));
    await sendNodemailer(
      lmtp.port,
      { from: 's@example.net', to: [u.email] },
      makeMessage({ headers: ['X-Spam-Status: Yes, score=9.1 required=5.0'] }),
    );
    await sendNodemailer(
      lmtp.port,
      { from: 's@example.net', to: [u.email] },
      makeMessage({ headers: ['X-Spam-Status: No, score=0.1 required=5.0'] }),
    );
    expect(await countIn(admin, folderOf(u, 'junk'))).toBe(1);
    expect(await countIn(admin, folderOf(u, 'inbox'))).toBe(before + 1);
  });
});
