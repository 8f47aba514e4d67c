/**
 * Test harness of the gateway suites: a gateway in-process against a test server (port 0 for
 * every listener), users with the imap/pop3 features, messages put into folders through SOAP,
 * Python clients (poplib, imaplib) run as child processes, and a raw socket for transcripts.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Bus } from '@kgc/bus';
import { loadConfig } from '@kgc/config';
import { createLogger } from '@kgc/log';
import type { KgcSession } from '@kgc/soap';
import { type GatewayConfig, gatewayConfig } from '../config.js';
import { type RunningGateway, startGateway } from '../gateway.js';
import type { Limits } from '../limits.js';

export interface GatewayUnderTest {
  gateway: RunningGateway;
  config: GatewayConfig;
  pop3Port: number;
  pop3sPort: number | undefined;
  imapPort: number;
  imapsPort: number | undefined;
  close(): Promise<void>;
}

function portOf(list: RunningGateway['pop3']): number | undefined {
  const a = list[0];
  return a && 'port' in a ? a.port : undefined;
}

/** Fast failure delays by default (the delay itself is tested where it matters). */
export const TEST_LIMITS: Partial<Limits> = { authFailureDelayMs: 1 };

export async function startTestGateway(
  serverUrl: string,
  settings: Record<string, string> = {},
  opts: { limits?: Partial<Limits>; bus?: Bus } = {},
): Promise<GatewayUnderTest> {
  const config = loadConfig(gatewayConfig, {
    env: {
      KGC_SERVER_SOCKET: serverUrl,
      KGC_IMAP_LISTEN: '127.0.0.1:0',
      KGC_POP3_LISTEN: '127.0.0.1:0',
      KGC_METRICS_LISTEN: '127.0.0.1:0',
      KGC_LOG_LEVEL: process.env.KGC_TEST_LOG_LEVEL ?? 'silent',
      ...settings,
    },
  });
  const log = createLogger({ service: 'gateway', level: config.log_level });
  const gateway = await startGateway({
    config,
    log,
    processMetrics: false,
    limits: { ...TEST_LIMITS, ...opts.limits },
    ...(opts.bus ? { bus: opts.bus } : {}),
  });
  return {
    gateway,
    config,
    pop3Port: portOf(gateway.pop3) ?? 0,
    pop3sPort: portOf(gateway.pop3s),
    imapPort: portOf(gateway.imap) ?? 0,
    imapsPort: portOf(gateway.imaps),
    close: () => gateway.close(),
  };
}

export function uniq(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export interface MailUser {
  username: string;
  password: string;
  storeId: number;
  /** Folder ids by special use (inbox, sent, ...) or name. */
  folders: Map<string, number>;
}

/** A user with the given features enabled (the server disables imap and pop3 by default, as KGC). */
export async function createMailUser(
  admin: KgcSession,
  features: Array<'imap' | 'pop3'> = ['imap', 'pop3'],
): Promise<MailUser> {
  const username = uniq('u');
  const password = 'pw-0123456789';
  const { user } = await admin.call('createUser', {
    user: { username, password, fullName: username, email: `${username}@example.com`, aliases: [] },
  });
  if (user.storeId === undefined) throw new Error('user without store');
  if (features.length > 0) await admin.call('setUserFeatures', { username, enable: features, disable: [] });
  const { folders } = await admin.call('getHierarchy', { storeId: user.storeId });
  const map = new Map<string, number>();
  for (const f of folders) map.set(f.specialUse ?? f.name, f.folderId);
  return { username, password, storeId: user.storeId, folders: map };
}

export function folderOf(u: MailUser, role: string): number {
  const id = u.folders.get(role);
  if (id === undefined) throw new Error(`${u.username} has no ${role}`);
  return id;
}

export function makeMessage(subject: string, body = 'Hello.\r\n', extra = ''): Buffer {
  return Buffer.from(
    `From: Sender <sender@example.com>\r\nTo: rcpt@example.com\r\nSubject: ${subject}\r\n` +
      `Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${uniq('m')}@example.com>\r\n${extra}\r\n${body}`,
    'utf8',
  );
}

/** Store a message in a folder (as the admin, which may write into any store). */
export async function putMessage(
  admin: KgcSession,
  folderId: number,
  raw: Buffer,
  flags: string[] = [],
): Promise<number> {
  const r = await admin.call('createMessage', { folderId, raw, flags, props: [] });
  return r.uid;
}

/** Run a Python script (stdlib clients); its stdout is JSON. Arguments reach it as sys.argv[1:]. */
export function runPython<T>(script: string, args: Array<string | number>): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      ['-c', script, ...args.map(String)],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`python failed: ${err.message}\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as T);
        } catch {
          reject(new Error(`python printed no JSON: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** A raw client for transcripts: send bytes, read until a pattern. */
export class RawClient {
  /** What was received and not yet returned, in the pieces it came in (joined when asked for). */
  private pieces: string[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.pieces.push(d);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  /** Everything received and not yet returned. */
  private get buf(): string {
    if (this.pieces.length > 1) this.pieces = [this.pieces.join('')];
    return this.pieces[0] ?? '';
  }

  /** The last `n` characters received, joining only the pieces they are in. */
  private last(n: number): string {
    let out = '';
    for (let i = this.pieces.length - 1; i >= 0 && out.length < n; i--)
      out = (this.pieces[i] as string).slice(-(n - out.length)) + out;
    return out;
  }

  private take(): string {
    const out = this.buf;
    this.pieces = [];
    return out;
  }

  static connect(port: number, secure = false, ca?: Buffer): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = secure
        ? tls.connect({ host: '127.0.0.1', port, ...(ca ? { ca } : { rejectUnauthorized: false }) }, () =>
            resolve(new RawClient(s)),
          )
        : net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /**
   * Wait until the received text matches; returns everything received so far and clears it. With
   * `tail`, only the last that many characters are tested (big answers stay linear).
   */
  async until(pattern: RegExp, tail?: number): Promise<string> {
    while (!pattern.test(tail === undefined ? this.buf : this.last(tail))) {
      if (this.closed) throw new Error(`connection closed; received: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.take();
  }

  /** Wait for the server to close the connection; returns what it sent before. */
  async closedByServer(): Promise<string> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.take();
  }

  /** STARTTLS/STLS on this socket. */
  async upgrade(ca?: Buffer): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    // The chain is verified against `ca`; the name check is the listener tests' job.
    const secure = tls.connect({
      socket: plain,
      ...(ca ? { ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false }),
    });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A raw IMAP session on `port`, logged in as `u` (tag a0 used). */
export async function imapLoggedIn(port: number, u: MailUser): Promise<RawClient> {
  const c = await RawClient.connect(port);
  await c.until(/^\* OK .*\r\n/);
  c.send(`a0 LOGIN ${u.username} ${u.password}\r\n`);
  await c.until(/a0 OK .*\r\n/);
  return c;
}
