/**
 * dagent benchmark on MariaDB: deliveries/s of 3–8 KB messages over 8 concurrent LMTP
 * connections (one recipient each), and recipient-deliveries/s of 10-recipient messages; p50/p99
 * of a whole LMTP transaction (MAIL to the last DATA reply). Server and dagent run as their own
 * processes (the built programs when present), the load generator here with pipelined LMTP and
 * SIZE declared at MAIL FROM, as Postfix's LMTP client does; with the server reached over loopback
 * TCP, then over unix sockets (dagent to server, server to MariaDB) as KGC installs on one host.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoapClient, serviceLogon } from '@kgc/soap';
import { createMysqlDatabase, dropMysqlDatabase, mysqlServerEnv } from '../support/server.js';
import { ROOT, serviceArgs, spawnServer } from '../support/server-process.js';
import { MYSQL_SOCKET } from './lib.js';
import { LMTP_CONNECTIONS, lmtpFigures } from './lmtp-workload.js';

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

export async function benchDagent(): Promise<string[]> {
  const out = await benchDagentOver('loopback TCP');
  // KGC's same-host install: dagent reaches the server, and the server MariaDB, by unix sockets.
  if (existsSync(MYSQL_SOCKET)) out.push(...(await benchDagentOver('unix sockets')));
  return out;
}

async function benchDagentOver(transport: 'loopback TCP' | 'unix sockets'): Promise<string[]> {
  const out: string[] = [];
  const db = await createMysqlDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'kgc-bench-'));
  const secret = randomBytes(16).toString('hex');
  const from = existsSync(join(ROOT, 'services/server/dist/main.js')) ? 'dist' : 'source';
  const env = mysqlServerEnv(db, dir, secret);
  const server = await spawnServer(
    transport === 'unix sockets'
      ? { ...env, KGC_MYSQL_SOCKET: MYSQL_SOCKET, KGC_SERVER_LISTEN: `unix:${join(dir, 'server.sock')}` }
      : env,
    60_000,
    from,
  );
  let dagent: Dagent | undefined;
  try {
    dagent = await spawnDagent(
      {
        KGC_LMTP_LISTEN: '127.0.0.1:0',
        KGC_METRICS_LISTEN: '',
        KGC_SERVER_SOCKET: server.url,
        KGC_SERVICE_SECRET: secret,
        KGC_LMTP_MAX_CONNECTIONS: String(LMTP_CONNECTIONS * 2),
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
    out.push(...(await lmtpFigures(dagent.port, users)).map((line) => `${line} (server over ${transport})`));
  } finally {
    await dagent?.stop();
    await server.kill();
    await dropMysqlDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
