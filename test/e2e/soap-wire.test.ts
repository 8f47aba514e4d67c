/** The SOAP wire: WSDL, a third-party SOAP client, and hostile requests. */
import soapPkg from 'strong-soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

const ENV = (body: string) =>
  `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${body}</soap:Body></soap:Envelope>`;

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/xml; charset=utf-8', ...headers },
  });
  return { status: res.status, text: await res.text() };
}

function faultCode(xml: string): string | undefined {
  return /<(?:\w+:)?code>([A-Z_]+)<\/(?:\w+:)?code>/.exec(xml)?.[1];
}

describe('SOAP wire', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ settings: { KGC_SOAP_MAX_REQUEST_SIZE: '1M' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the WSDL at /?wsdl and a third-party client (strong-soap) can call through it', async () => {
    const res = await fetch(`${t.url}?wsdl`);
    expect(res.status).toBe(200);
    const wsdl = await res.text();
    expect(wsdl).toContain('<xsd:element name="logon">');
    const client = await new Promise<Record<string, unknown>>((resolve, reject) =>
      soapPkg.soap.createClient(`${t.url}?wsdl`, { endpoint: t.url }, (err, c) => (err ? reject(err) : resolve(c))),
    );
    const call = (name: string, args: Record<string, unknown>) =>
      new Promise<Record<string, unknown>>((resolve, reject) =>
        (client[name] as (a: unknown, cb: (e: unknown, r: Record<string, unknown>) => void) => void)(args, (e, r) =>
          e ? reject(e) : resolve(r),
        ),
      );
    const logon = await call('serviceLogon', { secret: t.secret });
    expect(typeof logon.sessionId).toBe('string');
    await call('createUser', {
      sessionId: logon.sessionId,
      user: { username: 'viaws', password: 'pw', fullName: 'Via WSDL' },
    });
    const list = (await call('getUserList', { sessionId: logon.sessionId })) as { users: unknown };
    const users = Array.isArray(list.users) ? list.users : [list.users];
    expect(users).toContainEqual(expect.objectContaining({ username: 'viaws', fullName: 'Via WSDL' }));
    await expect(call('logon', { username: 'nobody', password: 'x' })).rejects.toBeTruthy();
  });

  it.each([
    [
      'external entity',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${ENV('<logon xmlns="urn:kgc-ts:soap:1"><username>&e;</username><password>x</password></logon>')}`,
    ],
    [
      'entity expansion',
      `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${ENV('<logon xmlns="urn:kgc-ts:soap:1"><username>&b;</username><password>x</password></logon>')}`,
    ],
  ])('refuses a DTD (%s) with KCERR_INVALID_PARAMETER', async (_n, body) => {
    const r = await post(t.url, body);
    expect(r.status).toBe(400);
    expect(faultCode(r.text)).toBe('KCERR_INVALID_PARAMETER');
    expect(r.text).not.toContain('root:');
  });

  it.each([
    ['not XML', 'hello'],
    ['empty', ''],
    ['unknown operation', ENV('<nosuchOp xmlns="urn:kgc-ts:soap:1"/>')],
    ['no Body', '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"/>'],
    ['unbalanced', ENV('<logon xmlns="urn:kgc-ts:soap:1"><username>')],
    ['8-bit garbage', Buffer.from([0xff, 0xfe, 0x00, 0x3c, 0x80])],
  ])('answers a SOAP fault, not a crash, for %s', async (_n, body) => {
    const r = await post(t.url, body);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.text).toContain('Fault');
    expect(r.text).not.toMatch(/at .*\.js:\d+/);
    const health = await fetch(`${t.url}healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses wrongly typed arguments with KCERR_INVALID_PARAMETER', async () => {
    const admin = await t.admin();
    const r = await post(
      t.url,
      ENV(
        `<getHierarchy xmlns="urn:kgc-ts:soap:1"><sessionId>${admin.id}</sessionId><storeId>abc</storeId></getHierarchy>`,
      ),
    );
    expect(faultCode(r.text)).toBe('KCERR_INVALID_PARAMETER');
  });

  it('refuses a request over soap_max_request_size with KCERR_TOO_BIG, by header and by stream', async () => {
    const big = ENV(
      `<logon xmlns="urn:kgc-ts:soap:1"><username>${'a'.repeat(1_100_000)}</username><password>x</password></logon>`,
    );
    const r = await post(t.url, big);
    expect(r.status).toBe(413);
    expect(faultCode(r.text)).toBe('KCERR_TOO_BIG');
    // Chunked, without a content-length: counted while streaming.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(t.url, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'text/xml' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('keeps UTF-8 intact across request chunks', async () => {
    const admin = await t.admin();
    const name = `Zoë ${'é'.repeat(40_000)} 🎉`;
    const { user } = await admin.call('createUser', {
      user: { username: 'utf8user', password: 'pw', fullName: name, aliases: [] },
    });
    expect(user.fullName).toBe(name);
  });

  it('maps an unknown session id to KCERR_END_OF_SESSION', async () => {
    const r = await post(
      t.url,
      ENV('<getSessionInfo xmlns="urn:kgc-ts:soap:1"><sessionId>bogus</sessionId></getSessionInfo>'),
    );
    expect(faultCode(r.text)).toBe('KCERR_END_OF_SESSION');
  });
});
