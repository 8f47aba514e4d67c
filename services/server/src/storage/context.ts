import type { Knex } from 'knex';
import type { BlobBackend } from './blob-backend.js';
import type { AttachmentStorage, QuotaLimits } from './config.js';
import type { Engine } from './connect.js';
import { isRetryable, toKcError } from './db-errors.js';
import type { FolderStoreCache } from './folder-store-cache.js';
import { mysqlTrip, type StatementRunner } from './statement-batch.js';

/** Process-wide storage state shared by every operation. */
export interface Env {
  knex: Knex;
  /** Builds SQL for this engine without a connection (statement transactions). */
  sql: Knex;
  engine: Engine;
  skipLocked: boolean;
  /** INSERT … RETURNING is available. */
  returning: boolean;
  /** The ids of one multi-row INSERT are consecutive (MySQL, connect.ts). */
  consecutiveIds(): boolean;
  folderStores: FolderStoreCache;
  attachmentStorage: AttachmentStorage;
  blobs: BlobBackend;
  quotaDefaults: QuotaLimits;
  now(): number;
  onBackgroundError(err: unknown, what: string): void;
}

/** What one operation runs against: the pool (reads) or one transaction. */
export interface Ctx {
  env: Env;
  db: Knex | Knex.Transaction;
  /** true inside a transaction: row locks hold until commit. */
  inTx: boolean;
  /** Runs after COMMIT succeeded (best effort). */
  onCommit(fn: () => Promise<void>): void;
  /** Runs after ROLLBACK (best effort). */
  onRollback(fn: () => Promise<void>): void;
  /**
   * Set in a statement transaction (runStatementTransaction): every statement goes through
   * runStatements, and `db` only builds SQL (it has no connection).
   */
  statements?: StatementRunner;
}

/** How a facade method executes: `read` may use the pool, `write` needs a transaction. */
export interface Runner {
  read<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T>;
  write<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T>;
  /** A write whose every statement goes through runStatements (see runStatementTransaction). */
  writeStatements<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T>;
}

async function runHooks(env: Env, hooks: Array<() => Promise<void>>, what: string): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch (err) {
      env.onBackgroundError(err, what);
    }
  }
}

export interface TransactionOptions {
  /** Retries after a deadlock / lock wait timeout / busy database (default 4). `fn` must be safe to re-run. */
  retries?: number;
}

/** One transaction with retry on deadlock; commit hooks run after COMMIT, rollback hooks after ROLLBACK. */
export async function runTransaction<T>(
  env: Env,
  fn: (ctx: Ctx) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const retries = opts.retries ?? 4;
  for (let attempt = 0; ; attempt++) {
    const commitHooks: Array<() => Promise<void>> = [];
    const rollbackHooks: Array<() => Promise<void>> = [];
    let result: T;
    try {
      // MySQL: READ COMMITTED is the session default of every pooled connection (connect.ts).
      result = await env.knex.transaction((trx) =>
        fn({
          env,
          db: trx,
          inTx: true,
          onCommit: (h) => commitHooks.push(h),
          onRollback: (h) => rollbackHooks.push(h),
        }),
      );
    } catch (err) {
      await runHooks(env, rollbackHooks, 'rollback hook');
      if (attempt < retries && isRetryable(err)) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw toKcError(err);
    }
    await runHooks(env, commitHooks, 'commit hook');
    return result;
  }
}

interface MysqlConnection {
  query(sql: string, values: readonly unknown[], cb: (err: Error | null, results: unknown) => void): void;
}

/**
 * A MySQL transaction without knex's transaction machinery, for code whose every statement goes
 * through runStatements: START TRANSACTION rides along with the first trip and COMMIT with the last
 * (when the code says so), on a connection of the pool used directly. On the hot write path a
 * round trip and knex's per-transaction objects cost more than the statements themselves.
 * Deadlocks are retried as runTransaction does.
 */
async function runStatementTransaction<T>(env: Env, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const client = env.knex.client as {
    acquireConnection(): Promise<MysqlConnection>;
    releaseConnection(c: MysqlConnection): Promise<void>;
  };
  const retries = 4;
  for (let attempt = 0; ; attempt++) {
    let conn: MysqlConnection;
    try {
      conn = await client.acquireConnection();
    } catch (err) {
      throw toKcError(err);
    }
    const commitHooks: Array<() => Promise<void>> = [];
    const rollbackHooks: Array<() => Promise<void>> = [];
    let begun = false;
    let committed = false;
    const query = (sql: string, values: readonly unknown[]) =>
      new Promise<unknown>((resolve, reject) => {
        env.knex.emit('query', { sql, bindings: values });
        conn.query(sql, values, (err, results) => (err ? reject(err) : resolve(results)));
      });
    const runner: StatementRunner = {
      async run(statements, opts) {
        if (statements.length === 0 && !opts.commit) return [];
        if (committed) throw new Error('statement transaction already committed');
        const parts = [
          ...(begun ? [] : [{ sql: 'START TRANSACTION', bindings: [] }]),
          ...statements,
          ...(opts.commit ? [{ sql: 'COMMIT', bindings: [] }] : []),
        ];
        const skip = begun ? 0 : 1;
        begun = true;
        const rows = await mysqlTrip(parts, query);
        if (opts.commit) committed = true;
        return rows.slice(skip, skip + statements.length);
      },
    };
    let result: T;
    try {
      result = await fn({
        env,
        db: env.sql,
        inTx: true,
        onCommit: (h) => commitHooks.push(h),
        onRollback: (h) => rollbackHooks.push(h),
        statements: runner,
      });
      if (begun && !committed) await runner.run([], { commit: true });
    } catch (err) {
      if (begun && !committed) await query('ROLLBACK', []).catch(() => {});
      await client.releaseConnection(conn);
      await runHooks(env, rollbackHooks, 'rollback hook');
      if (attempt < retries && isRetryable(err)) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw toKcError(err);
    }
    await client.releaseConnection(conn);
    await runHooks(env, commitHooks, 'commit hook');
    return result;
  }
}

/** Facade runner on the pool: each write is its own transaction. */
export function poolRunner(env: Env): Runner {
  const readCtx: Ctx = {
    env,
    db: env.knex,
    inTx: false,
    onCommit: () => {
      throw new Error('onCommit outside a transaction');
    },
    onRollback: () => {
      throw new Error('onRollback outside a transaction');
    },
  };
  return {
    read: async (fn) => {
      try {
        return await fn(readCtx);
      } catch (err) {
        throw toKcError(err);
      }
    },
    write: (fn) => runTransaction(env, fn),
    writeStatements: (fn) => (env.engine === 'mysql' ? runStatementTransaction(env, fn) : runTransaction(env, fn)),
  };
}

/** Facade runner bound to one open transaction (withTransaction). */
export function txRunner(ctx: Ctx): Runner {
  const run = async <T>(fn: (ctx: Ctx) => Promise<T>): Promise<T> => {
    try {
      return await fn(ctx);
    } catch (err) {
      throw toKcError(err);
    }
  };
  return { read: run, write: run, writeStatements: run };
}
