import { randomBytes } from 'node:crypto';
import { KcError } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, mysqlHasReturning, sqliteHasReturning } from './connect.js';
import { DEFAULT_FOLDERS } from './folder-types.js';
import type { Storage } from './storage.js';
import { MYSQL_TEST_SERVER, mime, TEST_ENGINES, TestHarness } from './test-harness.js';

describe('engine capabilities', () => {
  it('knows which servers have INSERT … RETURNING', () => {
    expect(mysqlHasReturning('10.11.19-MariaDB-0+deb12u1')).toBe(true);
    expect(mysqlHasReturning('10.5.0-MariaDB')).toBe(true);
    expect(mysqlHasReturning('10.4.34-MariaDB')).toBe(false);
    expect(mysqlHasReturning('8.4.2')).toBe(false);
    expect(sqliteHasReturning('3.35.0')).toBe(true);
    expect(sqliteHasReturning('3.34.1')).toBe(false);
  });

  it('makes READ COMMITTED the session default of every pooled MariaDB connection', async () => {
    const database = `kgc_test_isolation_${process.pid}_${randomBytes(3).toString('hex')}`;
    const conn = await connect({ engine: 'mysql', ...MYSQL_TEST_SERVER, database, pool: { min: 0, max: 3 } });
    try {
      // Three transactions at once hold three connections.
      const levels = await Promise.all(
        [1, 2, 3].map(() =>
          conn.knex.transaction(async (trx) => {
            const rows = (await trx.raw('SELECT @@tx_isolation AS l, CONNECTION_ID() AS c'))[0] as Array<{
              l: string;
              c: number;
            }>;
            await new Promise((r) => setTimeout(r, 50));
            return rows[0];
          }),
        ),
      );
      expect(new Set(levels.map((l) => l?.c)).size).toBe(3);
      expect(levels.map((l) => l?.l)).toEqual(['READ-COMMITTED', 'READ-COMMITTED', 'READ-COMMITTED']);
    } finally {
      await conn.knex.raw('DROP DATABASE IF EXISTS ??', [database]);
      await conn.knex.destroy();
    }
  });
});

describe.each(TEST_ENGINES)('storage schema and stores (%s)', (engine) => {
  const h = new TestHarness(engine, 'schema');
  let storage: Storage;
  beforeAll(async () => {
    storage = await h.open();
  });
  afterAll(() => h.cleanup());

  it('migrates idempotently and opens a second time', async () => {
    const again = await h.open();
    expect(await again.users.listUsers()).toEqual(await storage.users.listUsers());
  });

  it('0003 replaces the JSON structure columns by the IMAP ones; messages stored before keep theirs (without)', async () => {
    const before = await h.open({ db: 'pre0003' });
    const user = await before.users.createUser({ loginName: 'pre0003' });
    const inbox = await before.folders.findFolderByRole(user.storeId as number, 'inbox');
    const raw = mime('old');
    const { results } = await before.messages.createMessages([
      {
        folderId: inbox?.id as number,
        mime: raw,
        envelope: { subject: 'old' },
        imapEnvelope: Buffer.from('(NIL)'),
      },
    ]);
    const id = results[0]?.ok ? results[0].id : 0;
    // Back to the schema 0002 left (its JSON columns, filled), as a database made before 0003 is.
    const knex = h.raw('pre0003');
    for (const c of ['imap_envelope', 'imap_body', 'imap_bodystructure'])
      await knex.raw(`alter table messages drop column ${c}`);
    await knex.raw('alter table messages add column envelope_json text null');
    await knex.raw('alter table messages add column bodystructure_json text null');
    await knex('messages').update({ envelope_json: '{"date":null}', bodystructure_json: '{}' });
    await knex('knex_migrations').where({ name: '0003-imap-structures' }).delete();
    const after = await h.open({ db: 'pre0003' });
    const m = await after.messages.getMessage(id, { mime: true });
    expect(m.subject).toBe('old');
    expect(m.mime?.toString('latin1')).toBe(raw.toString('latin1'));
    expect([m.imapEnvelope, m.imapBody, m.imapBodystructure]).toEqual([null, null, null]);
    const columns = Object.keys(await knex('messages').columnInfo());
    expect(columns).toEqual(expect.arrayContaining(['imap_envelope', 'imap_body', 'imap_bodystructure']));
    expect(columns).not.toContain('envelope_json');
    expect(columns).not.toContain('bodystructure_json');
  });

  it('0007 keeps MySQL blob bytes in write order (an auto-increment key), and blobs stored before still read', async () => {
    const before = await h.open({ db: 'pre0007' });
    const user = await before.users.createUser({ loginName: 'pre0007' });
    const inbox = (await before.folders.findFolderByRole(user.storeId as number, 'inbox'))?.id as number;
    const raw = mime('kept');
    const { results } = await before.messages.createMessages([{ folderId: inbox, mime: raw, envelope: {} }]);
    const id = results[0]?.ok ? results[0].id : 0;
    const knex = h.raw('pre0007');
    if (engine === 'mysql') {
      // Back to the hash-keyed table 0001 made, as a database made before 0007 is.
      await knex.raw(
        'alter table blob_chunks drop primary key, drop index blob_chunks_hash_seq_unique, drop column id, add primary key (hash, seq)',
      );
    }
    await knex('knex_migrations').where({ name: '0007-blob-chunks-write-order' }).delete();
    const after = await h.open({ db: 'pre0007' });
    expect((await after.messages.getMessage(id, { mime: true })).mime?.equals(raw)).toBe(true);
    // The same bytes again share the blob; new bytes get the next place.
    const again = await after.messages.createMessages([
      { folderId: inbox, mime: raw, envelope: {} },
      { folderId: inbox, mime: mime('new'), envelope: {} },
    ]);
    for (const r of again.results) {
      expect(r.ok).toBe(true);
      if (r.ok) expect((await after.messages.getMessage(r.id, { mime: true })).mime?.length).toBeGreaterThan(0);
    }
    expect(await knex('blob_chunks').count({ n: '*' })).toEqual([{ n: 2 }]);
    if (engine === 'mysql') {
      const keys = (await knex.raw("show index from blob_chunks where Key_name = 'PRIMARY'"))[0] as Array<{
        Column_name: string;
      }>;
      expect(keys.map((k) => k.Column_name)).toEqual(['id']);
    }
  });

  it('0008 drops the (folder_id, modseq) index of messages; a query by modseq still answers', async () => {
    const indexes = async (db: string): Promise<string[]> => {
      const knex = h.raw(db);
      if (engine === 'mysql') {
        const rows = (await knex.raw('show index from messages'))[0] as Array<{ Key_name: string }>;
        return [...new Set(rows.map((r) => r.Key_name))];
      }
      const rows = (await knex.raw('pragma index_list(messages)')) as Array<{ name: string }>;
      return rows.map((r) => r.name);
    };
    expect(await indexes('main')).not.toContain('messages_folder_id_modseq_index');
    const before = await h.open({ db: 'pre0008' });
    const knex = h.raw('pre0008');
    await knex.schema.alterTable('messages', (t) => t.index(['folder_id', 'modseq']));
    await knex('knex_migrations').where({ name: '0008-no-folder-modseq-index' }).delete();
    expect(await indexes('pre0008')).toContain('messages_folder_id_modseq_index');
    const after = await h.open({ db: 'pre0008' });
    expect(await indexes('pre0008')).not.toContain('messages_folder_id_modseq_index');
    expect(await indexes('pre0008')).toContain('messages_folder_id_uid_unique');
    const user = await after.users.createUser({ loginName: 'pre0008' });
    const inbox = (await after.folders.findFolderByRole(user.storeId as number, 'inbox'))?.id as number;
    const { results } = await after.messages.createMessages(
      ['a', 'b', 'c'].map((x) => ({ folderId: inbox, mime: mime(x), envelope: {} })),
    );
    const ids = results.map((r) => (r.ok ? r.id : 0));
    const flagged = await after.messages.setFlags([ids[1] ?? 0], { add: 1 });
    const since = flagged.messages[0]?.modseq ?? 0;
    const rows = await after.messages.queryContents({
      folderId: inbox,
      columns: ['modseq'],
      where: { type: 'modseq', min: since },
    });
    expect(rows.map((r) => r.id)).toEqual([ids[1]]);
    const within = await after.messages.queryContents({
      folderId: inbox,
      where: {
        type: 'and',
        items: [
          { type: 'uid', ranges: [{ from: 1, to: 2 }] },
          { type: 'modseq', min: since },
        ],
      },
    });
    expect(within.map((r) => r.id)).toEqual([ids[1]]);
    await before.close();
  });

  it('refuses to start when attachment_storage differs from the recorded one', async () => {
    const err = await h.open({ attachmentStorage: 'files' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KcError);
    expect((err as KcError).code).toBe('KCERR_INVALID_PARAMETER');
    expect((err as KcError).message).toMatch(/attachment_storage/);
  });

  it("creates a user's store with KGC's default folders below the hidden root", async () => {
    const user = await storage.users.createUser({ loginName: 'folders' });
    expect(user.storeId).not.toBeNull();
    const store = await storage.stores.getStore(user.storeId as number);
    expect(store).toMatchObject({ userId: user.id, type: 'private', size: 0 });
    expect(store.guid).toMatch(/^[0-9a-f]{32}$/);
    const folders = await storage.folders.listFolders(store.id);
    expect(folders.map((f) => [f.name, f.containerClass, f.role, f.parentId]).sort()).toEqual(
      DEFAULT_FOLDERS.map((f) => [f.name, f.containerClass, f.role, store.rootFolderId]).sort(),
    );
    const uidvalidities = new Set(folders.map((f) => f.uidvalidity));
    expect(uidvalidities.size).toBe(folders.length);
    for (const f of folders) expect(f).toMatchObject({ uidnext: 1, messageCount: 0, unseenCount: 0, size: 0 });
    expect((await storage.folders.findFolderByRole(store.id, 'trash'))?.name).toBe('Deleted Items');
    expect(await storage.stores.findStoreByUser(user.id)).toEqual(store);
    expect(await storage.stores.findStoreByGuid(store.guid)).toEqual(store);
    const journal = await storage.journal.getChanges(store.id, 0);
    expect(journal.entries.map((e) => e.kind)).toEqual(DEFAULT_FOLDERS.map(() => 'folder-new'));
  });

  it('refuses a second private store for a user', async () => {
    const user = await storage.users.createUser({ loginName: 'twostores' });
    await expect(storage.stores.createStore(user.id)).rejects.toMatchObject({ code: 'KCERR_COLLISION' });
  });
});
