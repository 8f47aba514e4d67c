import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { AttachmentStorage, QuotaLimits } from './config.js';
import type { Engine } from './connect.js';
import { openStorage, type Storage } from './storage.js';

/**
 * Test support (not used in production): opens storages on SQLite in a temp dir or on the local
 * MariaDB (127.0.0.1:3306, root) in uniquely named databases that `cleanup` drops. An unreachable
 * MariaDB makes `open` throw, so suites fail rather than skip.
 */
export const TEST_ENGINES: readonly Engine[] = ['sqlite', 'mysql'];

export const MYSQL_TEST_SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

export interface OpenOptions {
  /** Separate database/file name within the harness (e.g. one per attachment storage). Default 'main'. */
  db?: string;
  attachmentStorage?: AttachmentStorage;
  /** StorageConfig.attachmentInlineMax (files: blobs up to this size in the database). */
  attachmentInlineMax?: number;
  quotaDefaults?: QuotaLimits;
  clock?: () => number;
  /** StorageConfig.portableSql (the statements MySQL also has). */
  portableSql?: boolean;
  onStatement?: (sql: string) => void;
  /** MySQL pool size (default 2..10). */
  pool?: { min: number; max: number };
}

export class TestHarness {
  private readonly dir = mkdtempSync(join(tmpdir(), 'kgc-storage-'));
  private readonly prefix: string;
  private readonly opened: Storage[] = [];
  private readonly databases = new Set<string>();
  private readonly raws: Knex[] = [];

  constructor(
    readonly engine: Engine,
    label: string,
  ) {
    this.prefix = `kgc_test_${label.replace(/\W/g, '_')}_${process.pid}_${randomBytes(3).toString('hex')}`;
  }

  /** Attachment files of database `db`. */
  attachmentPath(db = 'main'): string {
    return join(this.dir, `attachments-${db}`);
  }

  async open(opts: OpenOptions = {}): Promise<Storage> {
    const db = opts.db ?? 'main';
    const common = {
      attachmentStorage: opts.attachmentStorage ?? 'database',
      attachmentPath: this.attachmentPath(db),
      ...(opts.attachmentInlineMax !== undefined ? { attachmentInlineMax: opts.attachmentInlineMax } : {}),
      quotaDefaults: opts.quotaDefaults ?? { warn: 0, soft: 0, hard: 0 },
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.portableSql ? { portableSql: true } : {}),
      ...(opts.onStatement ? { onStatement: opts.onStatement } : {}),
    };
    let storage: Storage;
    if (this.engine === 'sqlite') {
      storage = await openStorage({ engine: 'sqlite', file: join(this.dir, `${db}.sqlite`), ...common });
    } else {
      const database = `${this.prefix}_${db}`;
      this.databases.add(database);
      storage = await openStorage({
        engine: 'mysql',
        ...MYSQL_TEST_SERVER,
        database,
        ...(opts.pool ? { pool: opts.pool } : {}),
        ...common,
      });
    }
    this.opened.push(storage);
    return storage;
  }

  /** A plain connection to database `db` (opened first with `open`), for changing it behind a storage's back. */
  raw(db = 'main'): Knex {
    const knex =
      this.engine === 'sqlite'
        ? knexFactory({
            client: 'better-sqlite3',
            connection: { filename: join(this.dir, `${db}.sqlite`) },
            useNullAsDefault: true,
          })
        : knexFactory({
            client: 'mysql2',
            connection: { ...MYSQL_TEST_SERVER, database: `${this.prefix}_${db}` },
            pool: { min: 0, max: 1 },
          });
    this.raws.push(knex);
    return knex;
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.opened.map((s) => s.close()), ...this.raws.map((k) => k.destroy())]);
    if (this.databases.size > 0) {
      const admin = knexFactory({ client: 'mysql2', connection: MYSQL_TEST_SERVER, pool: { min: 0, max: 1 } });
      try {
        for (const db of this.databases) await admin.raw('DROP DATABASE IF EXISTS ??', [db]);
      } finally {
        await admin.destroy();
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A clock tests can move. */
export function testClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

/** A small RFC 5322 message. */
export function mime(subject: string, body = 'Hello'): Buffer {
  return Buffer.from(
    `From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${randomBytes(6).toString('hex')}@example.com>\r\n\r\n${body}\r\n`,
  );
}
