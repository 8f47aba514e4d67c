import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import knexFactory, { type Knex } from 'knex';
import type { MysqlEngineConfig, SqliteEngineConfig } from './config.js';

export type Engine = 'sqlite' | 'mysql';

export interface Connection {
  knex: Knex;
  engine: Engine;
  /** SELECT … FOR UPDATE SKIP LOCKED is available (MariaDB ≥ 10.6, MySQL ≥ 8.0.1). */
  skipLocked: boolean;
  /** INSERT … RETURNING is available (MariaDB ≥ 10.5, SQLite ≥ 3.35; not MySQL). */
  returning: boolean;
  /**
   * MySQL: the rows of one multi-row INSERT get consecutive auto-increment ids (spaced by the
   * session's auto_increment_increment) from LAST_INSERT_ID(): InnoDB guarantees it in its
   * traditional and consecutive lock modes (innodb_autoinc_lock_mode 0 or 1, the default). Read on
   * every new pooled connection (a failover may land on another server): false from the first one
   * in interleaved mode (2, Galera's) or that cannot tell, for good. Always false on SQLite.
   */
  consecutiveIds(): boolean;
}

/** Every transaction runs READ COMMITTED; set once per pooled connection, not per transaction. */
const MYSQL_SESSION_SETUP = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

interface MysqlRawConnection {
  query(sql: string, cb: (err: Error | null, rows?: unknown) => void): void;
}

/** innodb_autoinc_lock_mode of the server a new connection reached: consecutive ids (0, 1) or not. */
function readsConsecutiveIds(conn: MysqlRawConnection, cb: (consecutive: boolean) => void): void {
  conn.query('SELECT @@innodb_autoinc_lock_mode AS mode', (err, rows) => {
    const mode = err || !Array.isArray(rows) ? Number.NaN : Number((rows[0] as { mode?: unknown } | undefined)?.mode);
    cb(mode === 0 || mode === 1);
  });
}

/** Opens the engine. MySQL: creates the database if missing (utf8mb4). SQLite: WAL, foreign keys, FULL sync. */
export async function connect(cfg: SqliteEngineConfig | MysqlEngineConfig): Promise<Connection> {
  return cfg.engine === 'sqlite' ? connectSqlite(cfg) : connectMysql(cfg);
}

async function connectSqlite(cfg: SqliteEngineConfig): Promise<Connection> {
  if (cfg.file !== ':memory:') mkdirSync(dirname(cfg.file), { recursive: true });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: cfg.file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: BetterSqlite3.Database, done: (err: Error | null, conn: BetterSqlite3.Database) => void) {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 10000');
          conn.pragma('synchronous = FULL');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
  try {
    const rows = (await knex.raw('SELECT sqlite_version() AS v')) as Array<{ v: string }>;
    return {
      knex,
      engine: 'sqlite',
      skipLocked: false,
      returning: sqliteHasReturning(rows[0]?.v ?? ''),
      consecutiveIds: () => false,
    };
  } catch (err) {
    await knex.destroy();
    throw err;
  }
}

async function connectMysql(cfg: MysqlEngineConfig): Promise<Connection> {
  const server = {
    ...(cfg.socketPath ? { socketPath: cfg.socketPath } : { host: cfg.host, port: cfg.port }),
    user: cfg.user,
    password: cfg.password,
    charset: 'utf8mb4',
  };
  const admin = knexFactory({ client: 'mysql2', connection: server, pool: { min: 0, max: 1 } });
  try {
    await admin.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [
      cfg.database,
    ]);
  } finally {
    await admin.destroy();
  }
  const consecutive = { ids: true };
  const knex = knexFactory({
    client: 'mysql2',
    // multipleStatements: the hot write paths send their statements in one round trip
    // (statement-batch.ts); every value is still a binding escaped by the driver.
    connection: {
      ...server,
      database: cfg.database,
      supportBigNumbers: true,
      bigNumberStrings: false,
      multipleStatements: true,
    },
    pool: {
      ...(cfg.pool ?? { min: 0, max: 10 }),
      afterCreate(conn: MysqlRawConnection, done: (err: Error | null, conn: MysqlRawConnection) => void) {
        conn.query(MYSQL_SESSION_SETUP, (err) => {
          if (err) {
            done(err, conn);
            return;
          }
          readsConsecutiveIds(conn, (ok) => {
            if (!ok) consecutive.ids = false;
            done(null, conn);
          });
        });
      },
    },
  });
  let version: string;
  try {
    const rows = (await knex.raw('SELECT VERSION() AS v'))[0] as Array<{ v: string }>;
    version = rows[0]?.v ?? '';
  } catch (err) {
    await knex.destroy();
    throw err;
  }
  return {
    knex,
    engine: 'mysql',
    skipLocked: supportsSkipLocked(version),
    returning: mysqlHasReturning(version),
    consecutiveIds: () => consecutive.ids,
  };
}

function versionOf(version: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** MariaDB ≥ 10.5 has INSERT … RETURNING; MySQL has none. */
export function mysqlHasReturning(version: string): boolean {
  const v = versionOf(version);
  if (!v || !/mariadb/i.test(version)) return false;
  return v[0] > 10 || (v[0] === 10 && v[1] >= 5);
}

export function sqliteHasReturning(version: string): boolean {
  const v = versionOf(version);
  return v !== null && (v[0] > 3 || (v[0] === 3 && v[1] >= 35));
}

export function supportsSkipLocked(version: string): boolean {
  const v = versionOf(version);
  if (!v) return false;
  const [major, minor, patch] = v;
  if (/mariadb/i.test(version)) return major > 10 || (major === 10 && minor >= 6);
  return major > 8 || (major === 8 && (minor > 0 || patch >= 1));
}
