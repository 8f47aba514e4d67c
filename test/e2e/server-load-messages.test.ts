/** loadMessages: many raw messages in one call; gone or foreign ones are left out; bounded. */
import { KcError, SoapClient, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerBlock } from '../../libs/mapi/src/mime/header-block.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
});
afterAll(async () => {
  await server?.close();
});

describe('headerBlock', () => {
  it.each([
    ['CRLF', 'A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore', 'A: 1\r\nB: 2\r\n\r\n'],
    ['bare LF', 'A: 1\nB: 2\n\nbody\n\nmore', 'A: 1\nB: 2\n\n'],
    ['LF header, CRLF blank line later: a superset', 'A: 1\n\r\nbody\r\n\r\nx', 'A: 1\n\r\nbody\r\n\r\n'],
    ['no body', 'A: 1\r\nB: 2\r\n', 'A: 1\r\nB: 2\r\n'],
    ['starts with the empty line', '\r\nbody\r\n\r\n', '\r\n'],
    ['empty', '', ''],
  ])('%s', (_n, raw, head) => {
    expect(headerBlock(Buffer.from(raw)).toString()).toBe(head);
  });
});

describe('loadMessages', () => {
  it('returns the caller’s messages byte for byte and leaves out others’ and missing ones', async () => {
    const admin = await server.admin();
    const make = async (name: string) => {
      const { user } = await admin.call('createUser', {
        user: { username: name, password: 'pw-0123456789', fullName: name, email: `${name}@example.com`, aliases: [] },
      });
      const { folders } = await admin.call('getHierarchy', { storeId: user.storeId ?? 0 });
      return folders.find((f) => f.specialUse === 'inbox')?.folderId ?? 0;
    };
    const inboxA = await make('lmalice');
    const inboxB = await make('lmbob');
    const raws = [0, 1, 2].map((i) => Buffer.from(`Subject: m${i}\r\n\r\nbody ${i}\r\n`));
    const ids: number[] = [];
    for (const raw of raws)
      ids.push((await admin.call('createMessage', { folderId: inboxA, raw, flags: [], props: [] })).messageId);
    const foreign = (await admin.call('createMessage', { folderId: inboxB, raw: raws[0], flags: [], props: [] }))
      .messageId;

    const client = new SoapClient({ url: server.url });
    const alice = await userLogon(client, 'lmalice', 'pw-0123456789');
    const r = await alice.call('loadMessages', { messageIds: [...ids, foreign, 999_999, ids[0] ?? 0] });
    const byId = new Map(r.messages.map((m) => [m.messageId, m.raw.toString()]));
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    for (const [i, id] of ids.entries()) expect(byId.get(id)).toBe(raws[i]?.toString());
    const heads = await alice.call('loadMessages', { messageIds: ids, headersOnly: true });
    expect(heads.messages.map((m) => m.raw.toString())).toEqual([0, 1, 2].map((i) => `Subject: m${i}\r\n\r\n`));
    expect((await alice.call('loadMessages', { messageIds: [] })).messages).toEqual([]);
    expect(r.deferred).toEqual([]);
    await expect(
      alice.call('loadMessages', { messageIds: Array.from({ length: 257 }, (_, i) => i + 1) }),
    ).rejects.toSatisfy((e) => e instanceof KcError && e.code === 'KCERR_INVALID_PARAMETER');
    client.close();
  });
});

describe('loadMessages bytes per call', () => {
  it('reads at most MAX_LOAD_BYTES (64 MiB) per call, the first message always, and defers the rest', async () => {
    const admin = await server.admin();
    const { user } = await admin.call('createUser', {
      user: { username: 'lmbig', password: 'pw-0123456789', fullName: 'b', email: 'lmbig@example.com', aliases: [] },
    });
    const { folders } = await admin.call('getHierarchy', { storeId: user.storeId ?? 0 });
    const inbox = folders.find((f) => f.specialUse === 'inbox')?.folderId ?? 0;
    const big = (tag: string) =>
      Buffer.concat([Buffer.from(`Subject: ${tag}\r\n\r\n`), Buffer.alloc(33 * 1024 * 1024, 0x61)]);
    const ids: number[] = [];
    for (const tag of ['one', 'two'])
      ids.push((await admin.call('createMessage', { folderId: inbox, raw: big(tag), flags: [], props: [] })).messageId);
    const small = (
      await admin.call('createMessage', {
        folderId: inbox,
        raw: Buffer.from('Subject: s\r\n\r\nx\r\n'),
        flags: [],
        props: [],
      })
    ).messageId;
    const r = await admin.call('loadMessages', { messageIds: [...ids, small] });
    expect(r.messages.map((m) => m.messageId)).toEqual([ids[0]]);
    expect(r.messages[0]?.raw.length).toBe(big('one').length);
    expect(r.deferred).toEqual([ids[1], small]);
    const rest = await admin.call('loadMessages', { messageIds: r.deferred });
    expect(rest.messages.map((m) => m.messageId)).toEqual([ids[1], small]);
    expect(rest.deferred).toEqual([]);
  });
});

describe('MTOM', () => {
  it('sends large messages as binary parts to a client that accepts multipart/related, base64 otherwise', async () => {
    const admin = await server.admin();
    const { user } = await admin.call('createUser', {
      user: { username: 'mtom', password: 'pw-0123456789', fullName: 'm', email: 'mtom@example.com', aliases: [] },
    });
    const { folders } = await admin.call('getHierarchy', { storeId: user.storeId ?? 0 });
    const inbox = folders.find((f) => f.specialUse === 'inbox')?.folderId ?? 0;
    // Every byte value, and a line that starts like a MIME delimiter.
    const big = Buffer.concat([
      Buffer.from('Subject: big\r\n\r\n--kgc-\r\n'),
      Buffer.from(Array.from({ length: 256 * 40 }, (_, i) => i % 256)),
      Buffer.from('\r\n'),
    ]);
    const small = Buffer.from('Subject: small\r\n\r\nhi\r\n');
    const idBig = (await admin.call('createMessage', { folderId: inbox, raw: big, flags: [], props: [] })).messageId;
    const idSmall = (await admin.call('createMessage', { folderId: inbox, raw: small, flags: [], props: [] }))
      .messageId;
    // Our client asks for MTOM: the bytes come back exact.
    const r = await admin.call('loadMessages', { messageIds: [idBig, idSmall] });
    expect(r.messages.map((m) => m.raw.equals(m.messageId === idBig ? big : small))).toEqual([true, true]);

    const post = async (accept?: string) => {
      const body = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><loadMessages xmlns="urn:kgc-ts:soap:1"><sessionId>${admin.id}</sessionId><messageIds>${idBig}</messageIds><messageIds>${idSmall}</messageIds></loadMessages></soap:Body></soap:Envelope>`;
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', ...(accept ? { accept } : {}) },
        body,
      });
      return { type: res.headers.get('content-type') ?? '', text: Buffer.from(await res.arrayBuffer()) };
    };
    const plain = await post();
    expect(plain.type).toMatch(/^text\/xml/);
    expect(plain.text.toString()).toContain(`<raw>${big.toString('base64')}</raw>`);
    const mtom = await post('multipart/related, text/xml');
    expect(mtom.type).toMatch(/^multipart\/related; type="application\/xop\+xml"; boundary="kgc-[0-9a-f]{24}"/);
    expect(mtom.text.includes(big)).toBe(true);
    expect(mtom.text.toString('latin1')).toContain(`<raw>${small.toString('base64')}</raw>`);
    expect(mtom.text.toString('latin1')).toContain('href="cid:1@kgc-ts"');
  });

  it('reads MTOM requests (message uploads), and refuses malformed ones with a fault', async () => {
    const admin = await server.admin();
    const { user } = await admin.call('createUser', {
      user: { username: 'mtomup', password: 'pw-0123456789', fullName: 'm', email: 'mtomup@example.com', aliases: [] },
    });
    const { folders } = await admin.call('getHierarchy', { storeId: user.storeId ?? 0 });
    const inbox = folders.find((f) => f.specialUse === 'inbox')?.folderId ?? 0;
    const raw = Buffer.concat([Buffer.from('Subject: up\r\n\r\n'), Buffer.alloc(5000, 0x41), Buffer.from('\r\n')]);
    // Our client sends a body this large as a part; it is stored byte for byte.
    const created = await admin.call('createMessage', { folderId: inbox, raw, flags: [], props: [] });
    const back = await admin.call('loadMessages', { messageIds: [created.messageId] });
    expect(back.messages[0]?.raw.equals(raw)).toBe(true);

    const envelope = (rawXml: string) =>
      `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><createMessage xmlns="urn:kgc-ts:soap:1"><sessionId>${admin.id}</sessionId><folderId>${inbox}</folderId><raw>${rawXml}</raw></createMessage></soap:Body></soap:Envelope>`;
    const include = '<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:1@kgc-ts"/>';
    const multipart = (root: string, part: string, boundary = 'b1') =>
      Buffer.from(
        `--${boundary}\r\nContent-ID: <root@kgc-ts>\r\n\r\n${root}\r\n--${boundary}\r\nContent-ID: <1@kgc-ts>\r\n\r\n${part}\r\n--${boundary}--\r\n`,
        'latin1',
      );
    const post = async (type: string, body: Buffer) => {
      const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': type }, body });
      return { status: res.status, text: await res.text() };
    };
    const type = 'multipart/related; type="application/xop+xml"; boundary="b1"; start="<root@kgc-ts>"';
    const ok = await post(type, multipart(envelope(include), 'Subject: by hand\r\n\r\nhi\r\n'));
    expect(ok.status).toBe(200);
    const uid = Number(/<uid>(\d+)<\/uid>/.exec(ok.text)?.[1]);
    expect(uid).toBeGreaterThan(created.uid);
    // A part that is not there, a body that is not multipart, a DTD in the root part.
    const missing = await post(type, multipart(envelope(include.replace('cid:1', 'cid:2')), 'x'));
    expect(missing.status).toBe(500);
    expect(missing.text).toContain('KCERR_INVALID_PARAMETER');
    const broken = await post(type, Buffer.from('not multipart at all'));
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('KCERR_INVALID_PARAMETER');
    const dtd = await post(type, multipart(`<!DOCTYPE x [<!ENTITY e "e">]>${envelope(include)}`, 'x'));
    expect(dtd.status).toBe(400);
  });
});
