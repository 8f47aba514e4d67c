/**
 * POP3 end to end: a real server (SQLite, in-process), the gateway on real sockets, Python's
 * poplib as the client, and raw transcripts for AUTH PLAIN, STLS injection, limits and hostile
 * input. Messages are put into the Inbox through SOAP and checked back through SOAP.
 */
import net from 'node:net';
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import { makeTestCert, type TestCert } from '../../../../test/support/tls.js';
import { startSoapProxy } from '../../../dagent/src/testing/soap-proxy.js';
import { POP3_PREFETCH_AHEAD, POP3_PREFETCH_BLOCK, POP3_PREFETCH_BYTES, POP3_PREFETCH_FIRST } from '../limits.js';
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
  gw = await startTestGateway(server.url, {
    KGC_POP3S_LISTEN: '127.0.0.1:0',
    KGC_SSL_PRIVATE_KEY_FILE: cert.keyFile,
    KGC_SSL_CERTIFICATE_FILE: cert.certFile,
  });
});

afterAll(async () => {
  await gw?.close();
  await server?.close();
});

async function inboxCount(u: MailUser): Promise<number> {
  const r = await admin.call('tableQueryRows', { folderId: folderOf(u, 'inbox'), columns: ['uid'], sort: [] });
  return r.total;
}

/** A user with `n` messages in the Inbox. */
async function userWith(
  n: number,
  features: Array<'imap' | 'pop3'> = ['pop3'],
): Promise<{ u: MailUser; raws: Buffer[] }> {
  const u = await createMailUser(admin, features);
  const raws: Buffer[] = [];
  for (let i = 1; i <= n; i++) {
    const raw = makeMessage(`message ${i}`, `line 1 of ${i}\r\n.starts with a dot\r\nline 3\r\n`);
    raws.push(raw);
    await putMessage(admin, folderOf(u, 'inbox'), raw);
  }
  return { u, raws };
}

const POPLIB_SESSION = `
import json, poplib, sys
port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
p = poplib.POP3('127.0.0.1', port, timeout=20)
out = {'welcome': p.getwelcome().decode()}
out['capa'] = sorted(p.capa().keys())
p.user(user)
p.pass_(pw)
out['stat'] = list(p.stat())
resp, lines, _ = p.list()
out['list'] = [l.decode() for l in lines]
resp, lines, _ = p.uidl()
out['uidl'] = [l.decode() for l in lines]
out['uidl1'] = p.uidl(1).decode()
resp, lines, octets = p.retr(1)
out['retr1'] = b'\\r\\n'.join(lines).decode() + '\\r\\n'
resp, lines, octets = p.top(2, 1)
out['top2'] = [l.decode() for l in lines]
out['dele'] = p.dele(1).decode()
out['stat_after_dele'] = list(p.stat())
out['quit'] = p.quit().decode()
print(json.dumps(out))
`;

describe('POP3 with poplib', () => {
  it('logs in, lists, retrieves (dot-stuffing undone), TOP, DELE applied at QUIT', async () => {
    const { u, raws } = await userWith(3);
    const r = await runPython<Record<string, unknown>>(POPLIB_SESSION, [gw.pop3Port, u.username, u.password]);
    expect(r.welcome).toMatch(/^\+OK /);
    expect(r.capa).toEqual(expect.arrayContaining(['TOP', 'UIDL', 'RESP-CODES', 'USER', 'SASL', 'STLS']));
    const sizes = raws.map((x) => x.length);
    expect(r.stat).toEqual([3, sizes.reduce((a, b) => a + b, 0)]);
    expect(r.list).toEqual(sizes.map((s, i) => `${i + 1} ${s}`));
    const uidl = r.uidl as string[];
    expect(uidl).toHaveLength(3);
    expect(new Set(uidl.map((l) => l.split(' ')[1])).size).toBe(3);
    expect(r.uidl1).toBe(`+OK ${uidl[0]}`);
    expect(r.retr1).toBe(raws[0]?.toString('utf8'));
    const top2 = r.top2 as string[];
    const headerLines = (raws[1]?.toString('utf8').split('\r\n\r\n')[0] ?? '').split('\r\n');
    expect(top2).toEqual([...headerLines, '', 'line 1 of 2']);
    expect(r.dele).toMatch(/^\+OK/);
    expect(r.stat_after_dele).toEqual([2, (sizes[1] ?? 0) + (sizes[2] ?? 0)]);
    expect(r.quit).toMatch(/^\+OK/);
    expect(await inboxCount(u)).toBe(2);
  });

  it('UIDL is stable across sessions and numbers stay fixed within one', async () => {
    const { u } = await userWith(2);
    const script = `
import json, poplib, sys
p = poplib.POP3('127.0.0.1', int(sys.argv[1]))
p.user(sys.argv[2]); p.pass_(sys.argv[3])
print(json.dumps([l.decode() for l in p.uidl()[1]]))
p.quit()
`;
    const first = await runPython<string[]>(script, [gw.pop3Port, u.username, u.password]);
    await putMessage(admin, folderOf(u, 'inbox'), makeMessage('third'));
    const second = await runPython<string[]>(script, [gw.pop3Port, u.username, u.password]);
    expect(second.slice(0, 2)).toEqual(first);
    expect(second).toHaveLength(3);
  });

  it('STLS and pop3s (implicit TLS) with certificate verification', async () => {
    const { u } = await userWith(1);
    const script = `
import json, poplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[5])
p = poplib.POP3('127.0.0.1', int(sys.argv[1]))
p.stls(context=ctx)
caps = sorted(p.capa().keys())
p.user(sys.argv[3]); p.pass_(sys.argv[4])
a = p.stat()[0]
p.quit()
s = poplib.POP3_SSL('127.0.0.1', int(sys.argv[2]), context=ctx)
s.user(sys.argv[3]); s.pass_(sys.argv[4])
b = s.stat()[0]
s.quit()
print(json.dumps({'caps': caps, 'a': a, 'b': b}))
`;
    const r = await runPython<{ caps: string[]; a: number; b: number }>(script, [
      gw.pop3Port,
      gw.pop3sPort ?? 0,
      u.username,
      u.password,
      cert.certFile,
    ]);
    expect(r.caps).not.toContain('STLS');
    expect(r).toMatchObject({ a: 1, b: 1 });
  });
});

describe('POP3 transcripts', () => {
  async function loggedIn(u: MailUser): Promise<RawClient> {
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/^\+OK.*\r\n/);
    c.send(`USER ${u.username}\r\nPASS ${u.password}\r\n`);
    await c.until(/\+OK Logged in\.\r\n/);
    return c;
  }

  it('a dropped connection deletes nothing; RSET unmarks', async () => {
    const { u } = await userWith(2);
    const c = await loggedIn(u);
    c.send('DELE 1\r\nDELE 1\r\nRETR 1\r\nRSET\r\nDELE 2\r\n');
    const t = await c.until(/marked for deletion\.\r\n[\s\S]*marked for deletion\.\r\n/);
    expect(t).toContain('-ERR There is no such message.');
    expect(t).toContain('+OK 2 messages');
    c.close();
    await new Promise((r) => setTimeout(r, 50));
    const check = await loggedIn(u);
    check.send('STAT\r\nQUIT\r\n');
    expect(await check.closedByServer()).toMatch(/^\+OK 2 \d+\r\n\+OK Bye\.\r\n$/);
    expect(await inboxCount(u)).toBe(2);
  });

  it('QUIT deletes the marked messages that are left when another client deleted some meanwhile', async () => {
    const { u } = await userWith(4);
    const a = await loggedIn(u);
    const b = await loggedIn(u);
    a.send('DELE 1\r\nDELE 2\r\nQUIT\r\n');
    expect(await a.closedByServer()).toMatch(/\+OK Deleted 2 messages\. Bye\.\r\n$/);
    b.send('DELE 1\r\nDELE 3\r\nQUIT\r\n');
    expect(await b.closedByServer()).toMatch(/\+OK Deleted 2 messages\. Bye\.\r\n$/);
    expect(await inboxCount(u)).toBe(1);
  });

  it('AUTH PLAIN with an initial response and as a continuation; * cancels', async () => {
    const { u } = await userWith(1);
    const plain = Buffer.from(`\0${u.username}\0${u.password}`).toString('base64');
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send('AUTH\r\n');
    expect(await c.until(/\r\n\.\r\n/)).toBe('+OK Supported mechanisms\r\nPLAIN\r\n.\r\n');
    c.send('AUTH PLAIN\r\n');
    expect(await c.until(/\r\n/)).toBe('+ \r\n');
    c.send('*\r\n');
    expect(await c.until(/\r\n/)).toBe('-ERR Authentication cancelled.\r\n');
    c.send('AUTH PLAIN\r\n');
    await c.until(/\r\n/);
    c.send(`${plain}\r\nSTAT\r\n`);
    expect(await c.until(/STAT|\+OK 1 \d+\r\n/)).toMatch(/^\+OK Logged in\.\r\n\+OK 1 \d+\r\n$/);
    c.close();

    const d = await RawClient.connect(gw.pop3Port);
    await d.until(/\r\n/);
    d.send(`AUTH PLAIN ${plain}\r\nAUTH PLAIN ${plain}\r\n`);
    expect(await d.until(/\r\n.*\r\n/)).toBe('+OK Logged in.\r\n-ERR Command not valid in this state.\r\n');
    d.close();
  });

  it('refuses a user without the pop3 feature, and wrong passwords with [AUTH] until it hangs up', async () => {
    const { u } = await userWith(0, ['imap']);
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send(`USER ${u.username}\r\nPASS ${u.password}\r\n`);
    expect(await c.until(/-ERR.*\r\n/)).toContain('-ERR [SYS/PERM] POP3 access is disabled for this user.\r\n');
    c.send(`USER ${u.username}\r\nPASS wrong\r\n`);
    expect(await c.until(/-ERR.*\r\n/)).toContain('-ERR [AUTH] Authentication failed.\r\n');
    c.send(`USER ${u.username}\r\nPASS wrong again\r\n`);
    expect(await c.closedByServer()).toMatch(/-ERR \[AUTH\] Authentication failed\. Too many failures, bye\.\r\n$/);
  });

  it('delays each failed login by the failures so far', async () => {
    const slow = await startTestGateway(server.url, {}, { limits: { authFailureDelayMs: 150, maxAuthFailures: 3 } });
    try {
      const c = await RawClient.connect(slow.pop3Port);
      await c.until(/\r\n/);
      const t0 = Date.now();
      c.send('USER nobody\r\nPASS x\r\n');
      await c.until(/-ERR \[AUTH\]/);
      const t1 = Date.now();
      c.send('USER nobody\r\nPASS y\r\n');
      await c.until(/-ERR \[AUTH\]/);
      const t2 = Date.now();
      // Lower bounds only: the delay is at least failures × authFailureDelayMs.
      expect(t1 - t0).toBeGreaterThanOrEqual(150);
      expect(t2 - t1).toBeGreaterThanOrEqual(300);
      c.close();
    } finally {
      await slow.close();
    }
  });

  it('STLS forgets a USER given before it (RFC 2595 §4)', async () => {
    const { u } = await userWith(1);
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send(`USER ${u.username}\r\n`);
    expect(await c.until(/\r\n/)).toBe('+OK Send your password.\r\n');
    c.send('STLS\r\n');
    expect(await c.until(/\r\n/)).toBe('+OK Begin TLS negotiation now.\r\n');
    await c.upgrade(cert.cert);
    c.send(`PASS ${u.password}\r\n`);
    expect(await c.until(/\r\n/)).toBe('-ERR Send USER first.\r\n');
    c.close();
  });

  it('STLS drops input pipelined before the handshake (RFC 2595 §4)', async () => {
    const { u } = await userWith(1);
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send(`STLS\r\nUSER ${u.username}\r\n`);
    expect(await c.until(/\r\n/)).toBe('+OK Begin TLS negotiation now.\r\n');
    await c.upgrade(cert.cert);
    c.send(`PASS ${u.password}\r\n`);
    expect(await c.until(/\r\n/)).toBe('-ERR Send USER first.\r\n');
    c.send('STLS\r\n');
    expect(await c.until(/\r\n/)).toBe('-ERR TLS is already active.\r\n');
    c.close();
  });

  const hostile: Array<[string, string, RegExp]> = [
    ['unknown command', 'XYZZY\r\n', /^-ERR Unknown command\.\r\n$/],
    ['HTTP request', 'GET / HTTP/1.1\r\n', /^-ERR Unknown command\.\r\n$/],
    ['transaction command before login', 'STAT\r\n', /^-ERR Log in first\.\r\n$/],
    ['PASS without USER', 'PASS x\r\n', /^-ERR Send USER first\.\r\n$/],
    ['line over 255 octets', `USER ${'a'.repeat(300)}\r\n`, /^-ERR Line too long\.\r\n$/],
    ['8-bit garbage', '\xff\xfe\x00\x01\r\n', /^-ERR Unknown command\.\r\n$/],
    ['NUL in argument', 'USER a\x00b\r\n', /^-ERR Invalid arguments: control characters in arguments\.\r\n$/],
    ['bad base64 in AUTH', 'AUTH PLAIN !!!!\r\n', /^-ERR Invalid response: invalid base64\.\r\n$/],
    ['unknown mechanism', 'AUTH CRAM-MD5\r\n', /^-ERR Unsupported authentication mechanism\.\r\n$/],
    ['argument to STAT', 'CAPA now\r\n', /^-ERR Invalid arguments: CAPA takes no arguments\.\r\n$/],
  ];
  it.each(hostile)('%s', async (_name, input, expected) => {
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send(Buffer.from(input, 'latin1'));
    expect(await c.until(/\r\n/)).toMatch(expected);
    c.send('NOOP\r\n');
    expect(await c.until(/\r\n/)).toBe('-ERR Log in first.\r\n');
    c.close();
  });

  it('closes after too many bad commands', async () => {
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send('BAD\r\n'.repeat(20));
    const t = await c.closedByServer();
    expect(t.match(/-ERR/g)).toHaveLength(10);
    expect(t).toMatch(/Too many bad commands, bye\.\r\n$/);
  });

  it('counts bad commands in a row: a good one in between starts the count again', async () => {
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send(`${'BAD\r\n'.repeat(9)}CAPA\r\n${'BAD\r\n'.repeat(9)}QUIT\r\n`);
    const t = await c.closedByServer();
    expect(t.match(/-ERR/g)).toHaveLength(18);
    expect(t).toMatch(/\+OK Bye\.\r\n$/);
  });

  it('a line too long ends an AUTH exchange (RFC 5034 §4); a long address is a USER name', async () => {
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send('AUTH PLAIN\r\n');
    expect(await c.until(/\r\n/)).toBe('+ \r\n');
    c.send(`${'A'.repeat(3000)}\r\nCAPA\r\n`);
    expect(await c.until(/\r\n\.\r\n/)).toMatch(/^-ERR Line too long\.\r\n\+OK Capability list follows/);
    const long = `${'a'.repeat(60)}@example.com`;
    c.send(`USER ${long}\r\n`);
    expect(await c.until(/\r\n/)).toBe('+OK Send your password.\r\n');
    c.close();
  });

  it('an endless line without a line end is cut off without buffering', async () => {
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    for (let i = 0; i < 64; i++) c.send('A'.repeat(16 * 1024));
    expect(await c.until(/\r\n/)).toBe('-ERR Line too long.\r\n');
    c.send('\r\nCAPA\r\n');
    expect(await c.until(/\r\n\.\r\n/)).toMatch(/^\+OK Capability list follows/);
    c.close();
  });

  it('pipelined commands are answered in order', async () => {
    const { u } = await userWith(2);
    const c = await RawClient.connect(gw.pop3Port);
    await c.until(/\r\n/);
    c.send(`USER ${u.username}\r\nPASS ${u.password}\r\nSTAT\r\nLIST 2\r\nUIDL 1\r\nNOOP\r\nQUIT\r\n`);
    const t = await c.closedByServer();
    expect(t.split('\r\n').slice(0, 7)).toEqual([
      '+OK Send your password.',
      '+OK Logged in.',
      expect.stringMatching(/^\+OK 2 \d+$/),
      expect.stringMatching(/^\+OK 2 \d+$/),
      expect.stringMatching(/^\+OK 1 \d+\.\d+$/),
      '+OK',
      '+OK Bye.',
    ]);
  });

  it('closes an idle connection without a response (RFC 1939 §3)', async () => {
    const quick = await startTestGateway(server.url, {}, { limits: { pop3IdleMs: 100 } });
    try {
      const c = await RawClient.connect(quick.pop3Port);
      expect(await c.closedByServer()).toMatch(/^\+OK [^\r\n]*\r\n$/);
    } finally {
      await quick.close();
    }
  });

  it('a long RETR to a slow reader is not idle; a reader that stops is dropped, nothing cut into the message', async () => {
    const quick = await startTestGateway(server.url, {}, { limits: { pop3IdleMs: 1000 } });
    try {
      const u = await createMailUser(admin, ['pop3']);
      // Larger than what the kernel's socket buffers take while the reader does not read.
      const big = makeMessage('big', `${'y'.repeat(998)}\r\n`.repeat(8_000));
      await putMessage(admin, folderOf(u, 'inbox'), big);
      const session = async (readEveryMs: number | null): Promise<string> => {
        const sock = net.connect(quick.pop3Port, '127.0.0.1');
        const chunks: Buffer[] = [];
        let tail = '';
        sock.on('data', (d: Buffer) => {
          chunks.push(d);
          tail = (tail + d.toString('latin1')).slice(-64);
        });
        const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
        sock.on('error', () => undefined);
        const until = async (re: RegExp) => {
          while (!re.test(tail) && !sock.destroyed) await new Promise((r) => setTimeout(r, 5));
        };
        await until(/\r\n$/);
        sock.write(`USER ${u.username}\r\nPASS ${u.password}\r\n`);
        await until(/Logged in\.\r\n$/);
        chunks.length = 0;
        sock.write('RETR 1\r\n');
        sock.pause();
        // A slow reader: a short read every readEveryMs, the pauses well inside the idle time. Or a
        // reader that stops for three idle times (it sees the end only once it reads again).
        if (readEveryMs === null) await new Promise((r) => setTimeout(r, 3000));
        else {
          const timer = setInterval(() => {
            sock.resume();
            setTimeout(() => sock.pause(), 20);
          }, readEveryMs);
          await Promise.race([closed, until(/\r\n\.\r\n$/)]);
          clearInterval(timer);
        }
        sock.resume();
        if (!sock.destroyed) sock.end('QUIT\r\n');
        await closed;
        return Buffer.concat(chunks).toString('latin1');
      };
      const slow = await session(250);
      expect(slow.startsWith(`+OK ${big.length} octets\r\n`)).toBe(true);
      expect(slow.endsWith('\r\n.\r\n+OK Bye.\r\n')).toBe(true);
      expect(slow).not.toContain('Idle timeout');
      const stopped = await session(null);
      expect(stopped.length).toBeGreaterThan(0);
      expect(stopped).not.toContain('\r\n.\r\n');
      expect(stopped).not.toContain('-ERR');
    } finally {
      await quick.close();
    }
  }, 60_000);

  it('disable_plaintext_auth: no USER/PASS/AUTH PLAIN before STLS from a non-local address', async () => {
    const strict = await startTestGateway(server.url, {
      KGC_POP3_LISTEN: '0.0.0.0:0',
      KGC_DISABLE_PLAINTEXT_AUTH: 'yes',
      KGC_SSL_PRIVATE_KEY_FILE: cert.keyFile,
      KGC_SSL_CERTIFICATE_FILE: cert.certFile,
    });
    try {
      const { u } = await userWith(1);
      const net = await import('node:net');
      const s = net.connect({ port: strict.pop3Port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      const text = await new Promise<string>((resolve) => {
        let buf = '';
        s.on('data', (d) => {
          buf += d.toString('latin1');
          if (/\r\n\.\r\n[\s\S]*\r\n[\s\S]*\r\n$/.test(buf)) resolve(buf);
        });
        s.write(`CAPA\r\nUSER ${u.username}\r\nAUTH PLAIN AAAA\r\n`);
      });
      s.destroy();
      expect(text).toContain('STLS\r\n');
      expect(text).not.toContain('\r\nUSER\r\n');
      expect(text).toContain('-ERR [AUTH] Plaintext authentication disallowed on non-secure connections.\r\n');
    } finally {
      await strict.close();
    }
  });
});

describe('POP3 loads ahead of RETR', () => {
  /** RETR of every message in turn through a proxy that counts the server calls; the bodies checked. */
  async function retrAll(u: MailUser, raws: readonly Buffer[]): Promise<{ blocks: number; single: number }> {
    const proxy = await startSoapProxy(server.url);
    const viaProxy = await startTestGateway(proxy.url);
    try {
      const c = await RawClient.connect(viaProxy.pop3Port);
      await c.until(/^\+OK.*\r\n/);
      c.send(`USER ${u.username}\r\nPASS ${u.password}\r\n`);
      await c.until(/\+OK Logged in\.\r\n/);
      for (let i = 1; i <= raws.length; i++) {
        c.send(`RETR ${i}\r\n`);
        const got = await c.until(/\r\n\.\r\n$/, 64);
        // The messages went in side by side: the Inbox's order is theirs, found by subject.
        const k = Number(/^Subject: m(\d+)\r$/m.exec(got)?.[1] ?? -1);
        expect(got).toBe(`+OK ${raws[k]?.length} octets\r\n${raws[k]?.toString('latin1')}.\r\n`);
      }
      c.send('QUIT\r\n');
      await c.closedByServer();
      return { blocks: proxy.calls('loadMessages'), single: proxy.calls('loadObject') };
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  }

  async function userWithMany(n: number, bodyOf: (i: number) => string): Promise<{ u: MailUser; raws: Buffer[] }> {
    const u = await createMailUser(admin, ['pop3']);
    const raws = Array.from({ length: n }, (_, i) => makeMessage(`m${i}`, bodyOf(i)));
    for (let i = 0; i < n; i += 50)
      await Promise.all(raws.slice(i, i + 50).map((raw) => putMessage(admin, folderOf(u, 'inbox'), raw)));
    return { u, raws };
  }

  it(`asks for ${POP3_PREFETCH_FIRST}, then blocks of ${POP3_PREFETCH_BLOCK} up to ${POP3_PREFETCH_AHEAD} ahead: 300 messages in 6 calls, none alone`, async () => {
    const { u, raws } = await userWithMany(300, (i) => `small ${i}\r\n`);
    // 16 at RETR 1; at RETR 2, 241 more (four blocks); the last 43 once 64 are used.
    expect(await retrAll(u, raws)).toEqual({ blocks: 6, single: 0 });
  });

  it(`keeps at most ${POP3_PREFETCH_BYTES / 1024 / 1024} MiB asked for ahead, a block once a quarter of it is free: 40 messages of 150–175 KB`, async () => {
    const { u, raws } = await userWithMany(40, (i) => `${`big ${i} `.repeat(25_000)}\r\n`);
    // 16 at RETR 1 (~2.5 MB), then a call whenever at least 1 MiB of the 4 MiB is free: no call
    // for a message or two (the 4.2 MB left would take 5 calls at most).
    const { blocks, single } = await retrAll(u, raws);
    expect(single).toBe(0);
    expect(blocks).toBeGreaterThanOrEqual(3);
    expect(blocks).toBeLessThanOrEqual(6);
  });
});
