/** Storage configuration: which SQL engine, where attachments live, server quota defaults. */
export type SqliteEngineConfig = { engine: 'sqlite'; file: string };

export type MysqlEngineConfig = {
  engine: 'mysql';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Unix socket of the MySQL server; when set, host and port are not used. */
  socketPath?: string;
  /** knex pool size (default 2..10). */
  pool?: { min: number; max: number };
};

/** `database`: blob chunks in SQL; `files`: `attachmentPath/ab/cd/<sha256>` (KGC files_v2 layout). */
export type AttachmentStorage = 'database' | 'files';

/** Byte limits; 0 = no limit. */
export interface QuotaLimits {
  warn: number;
  soft: number;
  hard: number;
}

export type StorageConfig = (SqliteEngineConfig | MysqlEngineConfig) & {
  attachmentStorage: AttachmentStorage;
  /** Required when attachmentStorage is `files`. */
  attachmentPath?: string;
  /** `files`: blobs up to this many bytes stay in the database (default 0: every blob in a file). */
  attachmentInlineMax?: number;
  /** Server defaults (server.cfg quota_warn/soft/hard, converted to bytes). */
  quotaDefaults: QuotaLimits;
  /** Clock in epoch milliseconds; tests inject one. Default Date.now. */
  clock?: () => number;
  /** Receives failures of best-effort work that runs after commit (e.g. unlinking freed blob files). */
  onBackgroundError?: (err: unknown, what: string) => void;
  /** Only statements every supported engine has (no INSERT … RETURNING): tests of the MySQL path. */
  portableSql?: boolean;
  /** Sees the text of every SQL statement sent, BEGIN and COMMIT included (metrics, benchmarks). */
  onStatement?: (sql: string) => void;
};
