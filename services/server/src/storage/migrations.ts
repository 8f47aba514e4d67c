import type { Knex } from 'knex';
import type { Engine } from './connect.js';

/**
 * The schema, as code. knex records applied migrations in `knex_migrations`; add a new entry to
 * `MIGRATIONS` for every change (never edit an applied one).
 */
interface Migration {
  name: string;
  up(knex: Knex, engine: Engine): Promise<void>;
}

/** Key columns compare byte-wise on MySQL (the caller lower-cases them), as on SQLite. */
const BIN = 'utf8mb4_bin';

function mysqlTable(t: Knex.CreateTableBuilder, engine: Engine): void {
  if (engine !== 'mysql') return;
  t.engine('InnoDB');
  t.charset('utf8mb4');
  t.collate('utf8mb4_unicode_ci');
}

function blobType(engine: Engine): string {
  return engine === 'mysql' ? 'mediumblob' : 'blob';
}

/**
 * CREATE TABLE with its indexes and foreign keys. knex emits one ALTER TABLE per index on MySQL;
 * each is a slow DDL round, so on MySQL they are folded into the CREATE statement.
 */
async function createTable(
  knex: Knex,
  engine: Engine,
  name: string,
  build: (t: Knex.CreateTableBuilder) => void,
): Promise<void> {
  const builder = knex.schema.createTable(name, (t) => {
    mysqlTable(t, engine);
    build(t);
  });
  if (engine !== 'mysql') {
    await builder;
    return;
  }
  const [create, ...alters] = builder.toSQL();
  if (!create) throw new Error(`no DDL for ${name}`);
  const clauses: string[] = [];
  const bindings: unknown[] = [...(create.bindings ?? [])];
  for (const a of alters) {
    const m = /^alter table `[^`]+` add (.+)$/s.exec(a.sql);
    if (!m?.[1]) throw new Error(`cannot fold into CREATE TABLE: ${a.sql}`);
    clauses.push(m[1]);
    bindings.push(...(a.bindings ?? []));
  }
  const end = create.sql.lastIndexOf(') default character set');
  if (end < 0) throw new Error(`unexpected CREATE TABLE: ${create.sql}`);
  const sql = `${create.sql.slice(0, end)}${clauses.map((c) => `, ${c}`).join('')}${create.sql.slice(end)}`;
  await knex.raw(sql, bindings as Knex.RawBinding[]);
}

function ref(t: Knex.CreateTableBuilder, column: string): Knex.ColumnBuilder {
  return t.bigInteger(column).unsigned();
}

const initialSchema: Migration = {
  name: '0001-initial-schema',
  async up(knex, engine) {
    await createTable(knex, engine, 'settings', (t) => {
      t.string('name', 64).collate(BIN).primary();
      t.text('value').notNullable();
    });
    await createTable(knex, engine, 'users', (t) => {
      t.bigIncrements('id');
      t.string('login_name', 255).notNullable();
      t.string('login_key', 255).collate(BIN).notNullable().unique();
      t.string('full_name', 255).notNullable().defaultTo('');
      t.string('email', 320).nullable();
      t.string('email_key', 320).collate(BIN).nullable().index();
      t.string('password_hash', 255).nullable();
      t.boolean('is_admin').notNullable().defaultTo(false);
      t.boolean('active').notNullable().defaultTo(true);
      t.string('source', 8).notNullable();
      t.string('extern_id', 255).collate(BIN).nullable();
      t.boolean('quota_override').notNullable().defaultTo(false);
      t.bigInteger('quota_warn').notNullable().defaultTo(0);
      t.bigInteger('quota_soft').notNullable().defaultTo(0);
      t.bigInteger('quota_hard').notNullable().defaultTo(0);
      t.string('enabled_features', 255).notNullable().defaultTo('');
      t.string('disabled_features', 255).notNullable().defaultTo('');
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['source', 'extern_id']);
    });
    await createTable(knex, engine, 'user_groups', (t) => {
      t.bigIncrements('id');
      t.string('name', 255).notNullable();
      t.string('name_key', 255).collate(BIN).notNullable().unique();
      t.string('email', 320).nullable();
      t.string('source', 8).notNullable();
      t.string('extern_id', 255).collate(BIN).nullable();
      t.bigInteger('created_at').notNullable();
      t.unique(['source', 'extern_id']);
    });
    await createTable(knex, engine, 'group_members', (t) => {
      ref(t, 'group_id').notNullable().references('id').inTable('user_groups').onDelete('CASCADE');
      ref(t, 'user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.primary(['group_id', 'user_id']);
      t.index(['user_id']);
    });
    await createTable(knex, engine, 'aliases', (t) => {
      t.bigIncrements('id');
      ref(t, 'user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.string('address', 320).notNullable();
      t.string('address_key', 320).collate(BIN).notNullable().unique();
      t.index(['user_id']);
    });
    await createTable(knex, engine, 'send_as', (t) => {
      ref(t, 'user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
      ref(t, 'as_user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.primary(['user_id', 'as_user_id']);
      t.index(['as_user_id']);
    });
    await createTable(knex, engine, 'stores', (t) => {
      t.bigIncrements('id');
      t.string('guid', 32).collate(BIN).notNullable().unique();
      ref(t, 'user_id').nullable().references('id').inTable('users');
      t.string('type', 8).notNullable();
      ref(t, 'root_folder_id').nullable();
      t.bigInteger('size').notNullable().defaultTo(0);
      t.bigInteger('highest_modseq').notNullable().defaultTo(0);
      t.bigInteger('journal_floor_modseq').notNullable().defaultTo(0);
      t.bigInteger('next_uidvalidity').notNullable();
      t.bigInteger('created_at').notNullable();
      t.unique(['user_id', 'type']);
    });
    await createTable(knex, engine, 'folders', (t) => {
      t.bigIncrements('id');
      ref(t, 'store_id').notNullable().references('id').inTable('stores').onDelete('CASCADE');
      // No FK on parent_id: a store delete removes the whole tree in one statement (InnoDB limits cascades to 15 levels).
      ref(t, 'parent_id').nullable();
      t.string('name', 255).notNullable();
      t.string('name_key', 255).collate(BIN).notNullable();
      t.string('container_class', 64).nullable();
      t.string('role', 16).nullable();
      t.bigInteger('uidvalidity').notNullable();
      t.bigInteger('uidnext').notNullable().defaultTo(1);
      t.bigInteger('highest_modseq').notNullable().defaultTo(0);
      t.bigInteger('message_count').notNullable().defaultTo(0);
      t.bigInteger('unseen_count').notNullable().defaultTo(0);
      t.bigInteger('size').notNullable().defaultTo(0);
      t.boolean('subscribed').notNullable().defaultTo(true);
      t.bigInteger('created_at').notNullable();
      t.unique(['parent_id', 'name_key']);
      t.unique(['store_id', 'role']);
    });
    await createTable(knex, engine, 'blobs', (t) => {
      t.string('hash', 64).collate(BIN).primary();
      t.bigInteger('size').notNullable();
      t.bigInteger('refcount').notNullable();
      t.bigInteger('created_at').notNullable();
    });
    await createTable(knex, engine, 'blob_chunks', (t) => {
      t.string('hash', 64).collate(BIN).notNullable().references('hash').inTable('blobs').onDelete('CASCADE');
      t.integer('seq').notNullable();
      t.specificType('data', blobType(engine)).notNullable();
      t.primary(['hash', 'seq']);
    });
    await createTable(knex, engine, 'messages', (t) => {
      t.bigIncrements('id');
      ref(t, 'store_id').notNullable().references('id').inTable('stores').onDelete('CASCADE');
      ref(t, 'folder_id').notNullable().references('id').inTable('folders').onDelete('CASCADE');
      t.bigInteger('uid').notNullable();
      t.bigInteger('modseq').notNullable();
      t.integer('flags').notNullable().defaultTo(0);
      t.text('keywords').notNullable();
      t.bigInteger('internal_date').notNullable();
      t.bigInteger('size').notNullable();
      t.string('message_class', 255).notNullable();
      t.text('subject').nullable();
      t.string('subject_sort', 255).notNullable().defaultTo('');
      t.text('from_address').nullable();
      t.text('from_name').nullable();
      t.string('from_sort', 255).notNullable().defaultTo('');
      t.text('to_addrs').nullable();
      t.text('cc_addrs').nullable();
      t.bigInteger('date_header').nullable();
      t.text('message_id').nullable();
      t.text('in_reply_to').nullable();
      t.text('envelope_json', 'mediumtext').nullable();
      t.text('bodystructure_json', 'mediumtext').nullable();
      t.string('blob_hash', 64).collate(BIN).nullable().references('hash').inTable('blobs');
      t.boolean('has_attachments').notNullable().defaultTo(false);
      t.bigInteger('created_at').notNullable();
      t.unique(['folder_id', 'uid']);
      t.index(['folder_id', 'modseq']);
      t.index(['folder_id', 'internal_date']);
      t.index(['store_id']);
    });
    await createTable(knex, engine, 'properties', (t) => {
      t.string('object_type', 16).collate(BIN).notNullable();
      ref(t, 'object_id').notNullable();
      t.string('name', 255).collate(BIN).notNullable();
      t.string('type', 8).notNullable();
      t.bigInteger('val_int').nullable();
      t.text('val_string', 'mediumtext').nullable();
      t.specificType('val_binary', blobType(engine)).nullable();
      t.primary(['object_type', 'object_id', 'name']);
    });
    await createTable(knex, engine, 'journal', (t) => {
      t.bigIncrements('id');
      ref(t, 'store_id').notNullable().references('id').inTable('stores').onDelete('CASCADE');
      t.bigInteger('modseq').notNullable();
      ref(t, 'folder_id').notNullable();
      ref(t, 'message_id').nullable();
      t.bigInteger('uid').nullable();
      t.string('kind', 24).notNullable();
      t.bigInteger('created_at').notNullable();
      t.index(['store_id', 'modseq']);
      t.index(['store_id', 'folder_id', 'modseq']);
    });
    await createTable(knex, engine, 'outgoing_queue', (t) => {
      t.bigIncrements('id');
      ref(t, 'store_id').notNullable().references('id').inTable('stores').onDelete('CASCADE');
      ref(t, 'message_id').notNullable().unique().references('id').inTable('messages').onDelete('CASCADE');
      ref(t, 'user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.bigInteger('submitted_at').notNullable();
      t.integer('flags').notNullable().defaultTo(0);
      t.string('lease_owner', 255).nullable();
      t.bigInteger('lease_expires_at').nullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.bigInteger('next_attempt_at').notNullable();
      t.bigInteger('deferred_until').nullable();
      t.text('last_error').nullable();
      t.index(['next_attempt_at']);
    });
    await createTable(knex, engine, 'sessions', (t) => {
      t.string('id_hash', 64).collate(BIN).primary();
      t.string('kind', 8).notNullable();
      ref(t, 'user_id').nullable().references('id').inTable('users').onDelete('CASCADE');
      ref(t, 'impersonated_user_id').nullable().references('id').inTable('users').onDelete('CASCADE');
      t.bigInteger('created_at').notNullable();
      t.bigInteger('last_used_at').notNullable();
      t.bigInteger('expires_at').notNullable().index();
      t.bigInteger('timeout_ms').notNullable();
      t.index(['user_id']);
    });
  },
};

/** Idempotent delivery: the key a message was created with, per store (deleting the message frees the key). */
const deliveryKeys: Migration = {
  name: '0002-delivery-keys',
  async up(knex, engine) {
    await createTable(knex, engine, 'delivery_keys', (t) => {
      t.string('delivery_key', 64).collate(BIN).notNullable();
      ref(t, 'store_id').notNullable().references('id').inTable('stores').onDelete('CASCADE');
      ref(t, 'message_id').notNullable().references('id').inTable('messages').onDelete('CASCADE');
      t.bigInteger('created_at').notNullable();
      t.primary(['delivery_key', 'store_id']);
      t.index(['message_id']);
      t.index(['store_id']);
    });
  },
};

/**
 * The IMAP ENVELOPE, BODY and BODYSTRUCTURE kept as FETCH sends them (KGC's dagent stores them for
 * its gateway the same way) instead of as JSON of the parsed structures: a FETCH copies the bytes.
 * Rows stored before keep none; the gateway computes theirs from the message when asked.
 */
const imapStructures: Migration = {
  name: '0003-imap-structures',
  async up(knex, engine) {
    const added = ['imap_envelope', 'imap_body', 'imap_bodystructure'].map(
      (c) => `add column ${c} ${blobType(engine)} null`,
    );
    const dropped = ['envelope_json', 'bodystructure_json'].map((c) => `drop column ${c}`);
    if (engine === 'mysql') {
      // One ALTER: MariaDB adds and drops these columns in place, without copying the table per clause.
      await knex.raw(`alter table messages ${[...added, ...dropped].join(', ')}`);
      return;
    }
    // SQLite: one clause per ALTER (DROP COLUMN since 3.35; the columns have no index).
    for (const clause of [...added, ...dropped]) await knex.raw(`alter table messages ${clause}`);
  },
};

/**
 * A flag change of many messages is journalled as uid ranges (`uid` to `uid_last`), one row per
 * run of consecutive messages, as Dovecot's transaction log records flag updates: a STORE on a
 * whole mailbox writes a row, not one per message.
 */
const journalUidRanges: Migration = {
  name: '0004-journal-uid-ranges',
  async up(knex) {
    await knex.raw('alter table journal add column uid_last bigint null');
  },
};

/**
 * Each message's header block (its bytes through the first empty line), kept when it is stored, as
 * KGC keeps PR_TRANSPORT_MESSAGE_HEADERS: a client listing a folder (Thunderbird's
 * `BODY.PEEK[HEADER.FIELDS (…)]`) and a first header SEARCH read it instead of every message.
 * Rows stored before have none; their header is cut from the message as before.
 */
const headerBlocks: Migration = {
  name: '0005-header-blocks',
  async up(knex, engine) {
    await knex.raw(`alter table messages add column header_block ${blobType(engine)} null`);
  },
};

/**
 * Each message's decoded Subject values (JSON), kept when it is stored: SEARCH SUBJECT over a
 * folder reads them with the rows instead of every header block. Older rows have none; the
 * gateway decodes their header as before.
 */
const searchSubjectsColumn: Migration = {
  name: '0006-search-subjects',
  async up(knex) {
    await knex.raw('alter table messages add column search_subjects text null');
  },
};

/**
 * MySQL: blob bytes clustered in the order they are written (an auto-increment key; the hash is a
 * unique key) instead of by hash. InnoDB keeps a table's rows in its primary key's order, so a
 * content-hash key scattered every new message over the whole table: a mailbox's bodies (and the
 * mail that arrived together, which clients read together) shared their 16 KiB pages with random
 * others, and reading them touched about a page per message, which the buffer pool had to hold. In
 * write order they share pages, and inserts append instead of splitting pages everywhere. SQLite
 * tables already keep rows in insertion (rowid) order.
 */
const blobChunksWriteOrder: Migration = {
  name: '0007-blob-chunks-write-order',
  async up(knex, engine) {
    if (engine !== 'mysql') return;
    await knex.raw(
      'alter table blob_chunks drop primary key, add column id bigint unsigned not null auto_increment primary key first, add unique key blob_chunks_hash_seq_unique (hash, seq)',
    );
  },
};

/**
 * No (folder_id, modseq) index on messages. Every flag change rewrites its rows' modseq, and the
 * index made each such row two more B-tree writes (the old entry delete-marked, a new one added)
 * and later purge work: a whole-mailbox STORE of 2,000 messages took MariaDB ~9 ms with it and
 * ~3.5 without (the IMAP STORE 18.6 -> 10.3 ms). Its one reader was the gateway's cache refresh
 * ("rows with modseq >= n"), which now asks for the uids the change journal names, the modseq a
 * filter on those rows; a query by modseq alone still works, by scanning the folder's rows.
 */
const noFolderModseqIndex: Migration = {
  name: '0008-no-folder-modseq-index',
  async up(knex) {
    await knex.schema.alterTable('messages', (t) => t.dropIndex(['folder_id', 'modseq']));
  },
};

const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  deliveryKeys,
  imapStructures,
  journalUidRanges,
  headerBlocks,
  searchSubjectsColumn,
  blobChunksWriteOrder,
  noFolderModseqIndex,
];

export function migrationSource(engine: Engine): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => [...MIGRATIONS],
    getMigrationName: (m) => m.name,
    getMigration: async (m) => ({ up: (knex: Knex) => m.up(knex, engine), down: async () => {} }),
  };
}

/** Runs pending migrations. Two servers starting at once: the loser of knex's migration lock waits and retries. */
export async function migrate(knex: Knex, engine: Engine): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await knex.migrate.latest({
        migrationSource: migrationSource(engine),
        // MySQL DDL commits implicitly; a wrapping transaction would only pretend to be atomic.
        disableTransactions: engine === 'mysql',
      });
      return;
    } catch (err) {
      if (!(err instanceof Error && err.name === 'MigrationLocked') || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
