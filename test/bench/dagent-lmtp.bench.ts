/**
 * dagent benchmark on MariaDB: deliveries/s of 3–8 KB messages over 8 concurrent LMTP
 * connections (one recipient each), and recipient-deliveries/s of 10-recipient messages; p50/p99
 * of a whole LMTP transaction (MAIL to the last DATA reply). Server and dagent run as their own
 * processes (the built programs when present), the load generator here with pipelined LMTP and
 * SIZE declared at MAIL FROM, as Postfix's LMTP client does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoapClient, serviceLogon } from '@kgc/soap';
import { lmtpTransaction, RawLmtp } from '../../services/dagent/src/testing/lmtp-clients.js';
import { createMysqlDatabase, dropMysqlDatabase, mysqlServerEnv } from '../support/server.js';
import { ROOT, serviceArgs, spawnServer } from '../support/server-process.js';
import { fmt, runLoad } from './lib.js';

const CONNECTIONS = 8;

interface Dagent {
  port: number;
  stop(): Promise<void>;
}

/** The dagent program with info logging (as deployed) into a file, which is polled for the start line. */
async function spawnDagent(env: Record<string, string>, dir: string): Promise<Dagent> {
  const from = existsSync(join(ROOT, 'services/dagent/dist/main.js')) ? 'dist' : 'source';
  const logFile = join(dir, 'dagent.log');
  const fd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, [...serviceArgs('dagent', from), '-l'], {
    cwd: ROOT,
    env: { ...process.env, KGC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 300 && !exited; i++) {
    const m = /"msg":"dagent started"/.test(readFileSync(logFile, 'utf8'))
      ? /"port":(\d+)/.exec(readFileSync(logFile, 'utf8'))
      : null;
    if (m) {
      return {
        port: Number(m[1]),
        stop: () =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`dagent did not start:\n${readFileSync(logFile, 'utf8')}`);
}

/** A 3–8 KB message, different per i. */
function message(i: number): Buffer {
  const size = 3000 + ((i * 7919) % 5000);
  const head =
    `From: Sender ${i} <sender${i}@example.net>\r\nTo: Team <team@example.com>\r\nSubject: Benchmark ${i}\r\n` +
    `Date: Mon, 04 Mar 2024 13:32:00 +0100\r\nMessage-ID: <lmtp-${i}-${randomBytes(6).toString('hex')}@example.net>\r\n` +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  return Buffer.from(head + line.repeat(Math.ceil((size - head.length) / line.length)));
}

/** One LMTP connection, one pipelined transaction at a time. */
class LmtpConnection {
  private constructor(private readonly c: RawLmtp) {}

  static async open(port: number): Promise<LmtpConnection> {
    const c = await RawLmtp.connect(port);
    await c.reply();
    await c.command('LHLO bench.test');
    return new LmtpConnection(c);
  }

  async send(rcpts: string[], raw: Buffer): Promise<void> {
    const codes = await lmtpTransaction(this.c, 'bench@example.net', rcpts, raw, true);
    if (codes.some((c) => c !== 250)) throw new Error(`delivery failed: ${codes.join(' ')}`);
  }

  close(): void {
    this.c.close();
  }
}

export async function benchDagent(): Promise<string[]> {
  const out: string[] = [];
  const db = await createMysqlDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'kgc-bench-'));
  const secret = randomBytes(16).toString('hex');
  const from = existsSync(join(ROOT, 'services/server/dist/main.js')) ? 'dist' : 'source';
  const server = await spawnServer(mysqlServerEnv(db, dir, secret), 60_000, from);
  let dagent: Dagent | undefined;
  try {
    dagent = await spawnDagent(
      {
        KGC_LMTP_LISTEN: '127.0.0.1:0',
        KGC_METRICS_LISTEN: '',
        KGC_SERVER_SOCKET: server.url,
        KGC_SERVICE_SECRET: secret,
        KGC_LMTP_MAX_CONNECTIONS: String(CONNECTIONS * 2),
      },
      dir,
    );
    const client = new SoapClient({ url: server.url });
    const admin = await serviceLogon(client, secret);
    const users: string[] = [];
    for (let i = 0; i < 40; i++) {
      const username = `bench${i}`;
      await admin.call('createUser', {
        user: {
          username,
          password: 'bench-pw-0123',
          fullName: username,
          email: `${username}@example.com`,
          aliases: [],
        },
      });
      users.push(`${username}@example.com`);
    }
    client.close();
    const port = dagent.port;
    const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => LmtpConnection.open(port)));
    // runLoad's workers are not numbered: each call takes a free connection and gives it back.
    const free = [...conns];
    const on = (_i: number) => ({
      send: async (rcpts: string[], raw: Buffer) => {
        const c = free.pop();
        if (!c) throw new Error('no free connection');
        try {
          await c.send(rcpts, raw);
        } finally {
          free.push(c);
        }
      },
    });
    const msgs = Array.from({ length: 12_000 }, (_, i) => message(i));
    const user = (i: number) => users[i % users.length] as string;

    await runLoad(400, CONNECTIONS, (i) => on(i).send([user(i)], msgs[i] as Buffer));
    const single = await runLoad(8_000, CONNECTIONS, (i) => on(i).send([user(i)], msgs[i + 400] as Buffer));
    out.push(`LMTP 3–8 KB, 1 recipient, ${CONNECTIONS} connections: ${fmt(single, 'deliveries')}`);

    const ten = (i: number) => Array.from({ length: 10 }, (_, k) => user(i * 10 + k));
    const multi = await runLoad(1_500, CONNECTIONS, (i) => on(i).send(ten(i), msgs[i + 8_400] as Buffer));
    const rps = (multi.count * 10) / multi.seconds;
    out.push(
      `LMTP 3–8 KB, 10 recipients, ${CONNECTIONS} connections: ${fmt(multi, 'messages')} = ${rps.toFixed(0)} recipient-deliveries/s`,
    );
    for (const c of conns) c.close();
  } finally {
    await dagent?.stop();
    await server.kill();
    await dropMysqlDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
