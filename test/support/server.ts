/**
 * Starts a real server in-process for tests: SOAP on 127.0.0.1:0, SQLite in a temp dir or a fresh
 * database on the local MariaDB, a service secret file (mode 0600) as the embedded suite writes it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, createMemoryBus } from '@kgc/bus';
import { loadConfig } from '@kgc/config';
import { createLogger } from '@kgc/log';
import { type RunningServer, type ServerConfig, serverConfig, startServer } from '@kgc/server';
import { type KgcSession, SoapClient, serviceLogon } from '@kgc/soap';
import knex from 'knex';

export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

export interface TestServer {
  url: string;
  secret: string;
  secretFile: string;
  dataDir: string;
  database: string | null;
  server: RunningServer;
  bus: Bus;
  config: ServerConfig;
  client: SoapClient;
  /** A service (admin) session on this server. */
  admin(): Promise<KgcSession>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  engine?: 'sqlite' | 'mysql';
  /** Reuse a database (and data dir) of an earlier server: a restart, or a second replica. */
  database?: string;
  dataDir?: string;
  bus?: Bus;
  /** Extra server.cfg keys (as KGC_<KEY> strings). */
  settings?: Record<string, string>;
}

/** KGC_* settings of a server process on the local MariaDB database `database`, blobs under `dataDir`. */
export function mysqlServerEnv(database: string, dataDir: string, secret: string): Record<string, string> {
  return {
    KGC_SERVER_LISTEN: '127.0.0.1:0',
    KGC_DATABASE_ENGINE: 'mysql',
    KGC_MYSQL_HOST: MYSQL.host,
    KGC_MYSQL_PORT: String(MYSQL.port),
    KGC_MYSQL_USER: MYSQL.user,
    KGC_MYSQL_DATABASE: database,
    KGC_ATTACHMENT_STORAGE: 'files',
    KGC_ATTACHMENT_PATH: join(dataDir, 'attachments'),
    KGC_SERVICE_SECRET: secret,
  };
}

export async function createMysqlDatabase(): Promise<string> {
  const name = `kgc_test_${randomBytes(6).toString('hex')}`;
  const k = knex({ client: 'mysql2', connection: MYSQL });
  try {
    await k.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await k.destroy();
  }
  return name;
}

export async function dropMysqlDatabase(name: string): Promise<void> {
  const k = knex({ client: 'mysql2', connection: MYSQL });
  try {
    await k.raw(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await k.destroy();
  }
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const engine = opts.engine ?? 'sqlite';
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kgc-test-'));
  const ownsDir = opts.dataDir === undefined;
  const database = engine === 'mysql' ? (opts.database ?? (await createMysqlDatabase())) : null;
  const ownsDb = engine === 'mysql' && opts.database === undefined;
  const secret = 'test-secret-0123456789abcdef';
  const secretFile = join(dataDir, 'admin.secret');
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  const env: Record<string, string> = {
    KGC_SERVER_LISTEN: '127.0.0.1:0',
    KGC_DATABASE_ENGINE: engine,
    KGC_SQLITE_PATH: join(dataDir, 'kgc.db'),
    KGC_MYSQL_HOST: MYSQL.host,
    KGC_MYSQL_PORT: String(MYSQL.port),
    KGC_MYSQL_USER: MYSQL.user,
    KGC_MYSQL_DATABASE: database ?? 'unused',
    KGC_ATTACHMENT_STORAGE: 'files',
    KGC_ATTACHMENT_PATH: join(dataDir, 'attachments'),
    KGC_SERVICE_SECRET_FILE: secretFile,
    KGC_LOG_LEVEL: process.env.KGC_TEST_LOG_LEVEL ?? 'silent',
    ...opts.settings,
  };
  const config = loadConfig(serverConfig, { env });
  const bus = opts.bus ?? createMemoryBus();
  const log = createLogger({ service: 'server', level: config.log_level });
  const server = await startServer({ config, bus, log });
  const url = server.urls[0] as string;
  const client = new SoapClient({ url });
  return {
    url,
    secret,
    secretFile,
    dataDir,
    database,
    server,
    bus,
    config,
    client,
    admin: () => serviceLogon(client, secret),
    async close() {
      client.close();
      await server.close();
      if (!opts.bus) await bus.close();
      if (ownsDb && database) await dropMysqlDatabase(database);
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
