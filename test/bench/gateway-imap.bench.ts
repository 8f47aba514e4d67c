/**
 * gateway benchmark on MariaDB (issue 4): a 10,000-message INBOX of ~4 KB messages; SELECT (cold
 * and warm metadata cache), `UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)`,
 * `UID SEARCH SUBJECT` and `BODY`, `UID STORE 1:* +FLAGS.SILENT (\Seen)` (the 2,000-message
 * figures, beside Dovecot's, are versus.bench.ts); sessions/s with 50
 * concurrent clients (login, select, fetch 20 bodies, logout); a POP3 session over 1,000
 * messages (STAT, LIST, UIDL, RETR of every message, QUIT); and the gateway's memory (PSS) per
 * idle IMAP connection (logged in, INBOX selected, in IDLE) with 1,000 connections. Server and
 * gateway run as their own processes (the built programs when present), and every load runs once
 * on a mailbox of its own before the figures (warmUp: compiled code, cold mailboxes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SoapClient, serviceLogon } from '@kgc/soap';
import type { RawClient } from '../../services/gateway/src/testing/harness.js';
import { createMysqlDatabase, dropMysqlDatabase, mysqlServerEnv } from '../support/server.js';
import { ROOT, serviceArgs, spawnServer } from '../support/server-process.js';
import { fmt, type LoadResult, message4k, pssKiB, runLoad } from './lib.js';
import {
  cmd,
  IMAP_SESSIONS,
  imapLogin,
  imapSessions,
  mailboxFigures,
  mailboxLines,
  pop3Line,
  pop3Session,
  warmUp,
} from './mail-workloads.js';

const INBOX_MESSAGES = 10_000;
const WARMUP_MESSAGES = 2_000;
const POP3_MESSAGES = 1_000;
const IDLE_CONNECTIONS = 1_000;

export interface Gateway {
  imap: number;
  pop3: number;
  pid: number;
  stop(): Promise<void>;
}

async function spawnGateway(env: Record<string, string>): Promise<Gateway> {
  const from = existsSync(join(ROOT, 'services/gateway/dist/main.js')) ? 'dist' : 'source';
  const child: ChildProcess = spawn(process.execPath, serviceArgs('gateway', from), {
    cwd: ROOT,
    env: { ...process.env, KGC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = await new Promise<{ imap: number; pop3: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('gateway did not start')), 60_000);
    if (child.stdout)
      createInterface({ input: child.stdout }).on('line', (line) => {
        const rec = JSON.parse(line.startsWith('{') ? line : '{}') as {
          msg?: string;
          imap?: Array<{ port: number }>;
          pop3?: Array<{ port: number }>;
        };
        if (rec.msg === 'gateway started') {
          clearTimeout(timer);
          resolve({ imap: rec.imap?.[0]?.port ?? 0, pop3: rec.pop3?.[0]?.port ?? 0 });
        }
      });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  return {
    ...started,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The gateway's settings here: IMAP (and POP3) on ephemeral ports, room for the idle connections. */
function gatewayEnv(serverUrl: string, pop3: boolean): Record<string, string> {
  return {
    KGC_SERVER_SOCKET: serverUrl,
    KGC_IMAP_LISTEN: '127.0.0.1:0',
    KGC_POP3_LISTEN: pop3 ? '127.0.0.1:0' : '',
    KGC_METRICS_LISTEN: '',
    KGC_MAX_CONNECTIONS: String(IDLE_CONNECTIONS + 100),
  };
}

/** Our server (MariaDB) and gateway, as their own processes, and a way to fill a user's INBOX. */
export interface Ours {
  gw: Gateway;
  pass: string;
  /** The server's SOAP endpoint. */
  serverUrl: string;
  /** A user with imap and pop3 and `n` 4 KB messages in the INBOX (createMessage, 16 at a time). */
  mailbox(user: string, n: number): Promise<LoadResult>;
  /** A fresh gateway process (the old one stopped). */
  restartGateway(pop3: boolean): Promise<Gateway>;
  stop(): Promise<void>;
}

export async function startOurs(): Promise<Ours> {
  const db = await createMysqlDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'kgc-bench-'));
  const secret = randomBytes(16).toString('hex');
  const from = existsSync(join(ROOT, 'services/server/dist/main.js')) ? 'dist' : 'source';
  const server = await spawnServer(mysqlServerEnv(db, dir, secret), 60_000, from);
  const client = new SoapClient({ url: server.url });
  let gw: Gateway | undefined;
  const stop = async () => {
    client.close();
    await gw?.stop();
    await server.kill();
    await dropMysqlDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const admin = await serviceLogon(client, secret);
    const pass = 'bench-pw-0123';
    gw = await spawnGateway(gatewayEnv(server.url, true));
    const ours: Ours = {
      gw,
      pass,
      serverUrl: server.url,
      async mailbox(username, n) {
        const { user } = await admin.call('createUser', {
          user: { username, password: pass, fullName: username, email: `${username}@example.com`, aliases: [] },
        });
        await admin.call('setUserFeatures', { username, enable: ['imap', 'pop3'], disable: [] });
        const { folders } = await admin.call('getHierarchy', { storeId: user.storeId ?? 0 });
        const inbox = folders.find((f) => f.specialUse === 'inbox')?.folderId ?? 0;
        return runLoad(n, 16, async (i) => {
          await admin.call('createMessage', { folderId: inbox, raw: message4k(i), flags: [], props: [] });
        });
      },
      async restartGateway(pop3) {
        await gw?.stop();
        gw = undefined;
        gw = await spawnGateway(gatewayEnv(server.url, pop3));
        ours.gw = gw;
        return gw;
      },
      stop,
    };
    return ours;
  } catch (e) {
    await stop();
    throw e;
  }
}

export async function benchGateway(): Promise<string[]> {
  const out: string[] = [];
  const ours = await startOurs();
  try {
    out.push(`fill INBOX: ${fmt(await ours.mailbox('imapbench', INBOX_MESSAGES), 'messages')}`);
    await ours.mailbox('popbench', POP3_MESSAGES);
    await ours.mailbox('warmup', WARMUP_MESSAGES);
    const { gw, pass } = ours;
    await warmUp(gw, 'warmup', pass, WARMUP_MESSAGES);
    out.push(...mailboxLines(INBOX_MESSAGES, await mailboxFigures(gw.imap, 'imapbench', pass, INBOX_MESSAGES)));
    out.push(`${IMAP_SESSIONS}: ${fmt(await imapSessions(gw.imap, 'imapbench', pass), 'sessions')}`);
    out.push(
      pop3Line(POP3_MESSAGES, ', Argon2id m=19 MiB t=2', await pop3Session(gw.pop3, 'popbench', pass, POP3_MESSAGES)),
    );

    // Memory on a fresh gateway (little garbage yet): PSS after 50 warm-up sessions, then with
    // 1,000 more logged in, INBOX selected, in IDLE. Garbage from the logins counts too: an upper bound.
    const fresh = await ours.restartGateway(false);
    const idle: RawClient[] = [];
    const openIdle = async () => {
      const s = await imapLogin(fresh.imap, 'popbench', pass);
      await cmd(s, 'SELECT INBOX');
      s.send('i IDLE\r\n');
      await s.until(/\+ idling\r\n/);
      idle.push(s);
    };
    for (let i = 0; i < 50; i++) await openIdle();
    await new Promise((r) => setTimeout(r, 1000));
    const before = pssKiB(fresh.pid);
    for (let i = 0; i < IDLE_CONNECTIONS; i++) await openIdle();
    await new Promise((r) => setTimeout(r, 1000));
    const after = pssKiB(fresh.pid);
    out.push(
      `${IDLE_CONNECTIONS} idle IMAP connections (IDLE), fresh gateway: PSS ${before} KiB -> ${after} KiB = ${((after - before) / IDLE_CONNECTIONS).toFixed(1)} KiB per connection (upper bound: login garbage included)`,
    );
    for (const s of idle) s.close();
  } finally {
    await ours.stop();
  }
  return out;
}
