import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KcError } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderRecord } from './folder-types.js';
import { MessageFlag } from './message-flags.js';
import type { CreatedMessage, NewMessage } from './message-types.js';
import type { Storage } from './storage.js';
import { mime, TEST_ENGINES, TestHarness } from './test-harness.js';

function created(r: { results: Array<CreatedMessage | { ok: false; error: KcError }> }): CreatedMessage[] {
  return r.results.map((x) => {
    if (!x.ok) throw x.error;
    return x;
  });
}

describe.each(TEST_ENGINES)('messages (%s)', (engine) => {
  const h = new TestHarness(engine, 'messages');
  let storage: Storage;
  let n = 0;

  async function newUser(): Promise<{ userId: number; storeId: number; inbox: FolderRecord; trash: FolderRecord }> {
    const user = await storage.users.createUser({ loginName: `user${++n}` });
    const storeId = user.storeId as number;
    const inbox = await storage.folders.findFolderByRole(storeId, 'inbox');
    const trash = await storage.folders.findFolderByRole(storeId, 'trash');
    if (!inbox || !trash) throw new Error('default folders missing');
    return { userId: user.id, storeId, inbox, trash };
  }

  async function exactSize(storeId: number): Promise<void> {
    const store = await storage.stores.getStore(storeId);
    let sum = 0;
    for (const f of await storage.folders.listFolders(storeId)) {
      const rows = await storage.messages.queryContents({ folderId: f.id, columns: ['size', 'flags'] });
      const folderSum = rows.reduce((s, r) => s + r.size, 0);
      expect(f.size).toBe(folderSum);
      expect(f.messageCount).toBe(rows.length);
      expect(f.unseenCount).toBe(rows.filter((r) => !(r.flags & MessageFlag.Seen)).length);
      sum += folderSum;
    }
    expect(store.size).toBe(sum);
  }

  beforeAll(async () => {
    storage = await h.open();
  });
  afterAll(() => h.cleanup());

  it('knows the ids of a large batch across stores and folders: results, journal and delivery keys agree', async () => {
    const a = await newUser();
    const b = await newUser();
    const since = Math.min(
      (await storage.stores.getStore(a.storeId)).highestModseq,
      (await storage.stores.getStore(b.storeId)).highestModseq,
    );
    // 250 rows: three INSERTs of at most 100, folders interleaved, every third with a delivery key.
    const folders = [a.inbox.id, b.inbox.id, a.trash.id];
    const input: NewMessage[] = Array.from({ length: 250 }, (_, i) => ({
      folderId: folders[i % 3] as number,
      mime: mime(`batch ${i}`),
      ...(i % 3 === 1 ? { deliveryKey: `batch-${i}` } : {}),
    }));
    const made = created(await storage.messages.createMessages(input));
    expect(new Set(made.map((m) => m.id)).size).toBe(250);
    const stored = await storage.messages.getMessages(made.map((m) => m.id));
    expect(stored.map((m) => [m.id, m.folderId, m.uid])).toEqual(made.map((m) => [m.id, m.folderId, m.uid]));
    for (const [i, m] of made.entries()) expect(m.folderId).toBe(input[i]?.folderId);
    for (const storeId of [a.storeId, b.storeId]) {
      const entries = (await storage.journal.getChanges(storeId, since)).entries.filter(
        (e) => e.kind === 'message-new',
      );
      const mine = made.filter((m) => m.storeId === storeId);
      expect(entries.map((e) => [e.folderId, e.uid, e.messageId]).sort()).toEqual(
        mine.map((m) => [m.folderId, m.uid, m.id]).sort(),
      );
    }
    // The keys point at the messages they were stored with: a retry gets those back.
    const retry = created(await storage.messages.createMessages(input.filter((m) => m.deliveryKey !== undefined)));
    expect(retry.map((m) => m.id)).toEqual(made.filter((_, i) => i % 3 === 1).map((m) => m.id));
    expect(retry.every((m) => m.existing)).toBe(true);
  });

  it('assigns ascending uids and one modseq per store, and updates counters', async () => {
    const { storeId, inbox } = await newUser();
    const r = await storage.messages.createMessages([
      { folderId: inbox.id, mime: mime('one'), envelope: { subject: 'one' } },
      { folderId: inbox.id, mime: mime('two'), flags: MessageFlag.Seen },
    ]);
    const [a, b] = created(r);
    expect(a?.uid).toBe(1);
    expect(b?.uid).toBe(2);
    expect(a?.modseq).toBe(b?.modseq);
    expect(r.changes).toEqual([{ storeId, modseq: a?.modseq }]);
    const [status] = await storage.folders.getFolderStatus([inbox.id]);
    expect(status).toMatchObject({ messages: 2, unseen: 1, uidnext: 3, highestModseq: a?.modseq });
    await exactSize(storeId);
    const m = await storage.messages.getMessage(a?.id as number, { mime: true, properties: true });
    expect(m.mime?.toString()).toContain('Subject: one');
    expect(m.subject).toBe('one');
    expect(m.size).toBe(m.mime?.length);
  });

  it('keeps uids and modseqs strictly ascending under 8 concurrent createMessages', async () => {
    const { storeId, inbox } = await newUser();
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        storage.messages.createMessages(
          Array.from({ length: 5 }, (_, j) => ({ folderId: inbox.id, mime: mime(`c${i}-${j}`) })),
        ),
      ),
    );
    const all = batches.flatMap(created);
    const uids = all.map((m) => m.uid).sort((x, y) => x - y);
    expect(uids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const modseqs = new Set(batches.map((b) => b.changes[0]?.modseq));
    expect(modseqs.size).toBe(8);
    // Within each batch the uids are contiguous and batches with a higher modseq got higher uids.
    const byModseq = [...batches].sort((x, y) => (x.changes[0]?.modseq ?? 0) - (y.changes[0]?.modseq ?? 0));
    let last = 0;
    for (const b of byModseq) {
      const u = created(b).map((m) => m.uid);
      expect(Math.min(...u)).toBeGreaterThan(last);
      last = Math.max(...u);
    }
    await exactSize(storeId);
  });

  it('shares one blob between concurrent deliveries into several stores', async () => {
    const [x, y] = [await newUser(), await newUser()];
    const data = mime('shared by concurrent deliveries');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        storage.messages.createMessages((i % 2 ? [x, y] : [y, x]).map((u) => ({ folderId: u.inbox.id, mime: data }))),
      ),
    );
    const hashes = new Set(results.flatMap(created).map((m) => m.blobHash));
    expect(hashes.size).toBe(1);
    expect((await storage.blobs.getBlobInfo([...hashes] as string[]))[0]?.refcount).toBe(12);
    for (const u of [x, y]) {
      const uids = (await storage.messages.queryContents({ folderId: u.inbox.id })).map((r) => r.uid);
      expect(uids).toEqual([1, 2, 3, 4, 5, 6]);
      await exactSize(u.storeId);
    }
  });

  it('handles a few thousand messages per call without per-message queries', async () => {
    const { storeId, inbox, trash } = await newUser();
    const count = 3000;
    const body = mime('bulk');
    const r = await storage.messages.createMessages(
      Array.from({ length: count }, (_, i) => ({ folderId: inbox.id, mime: body, envelope: { subject: `bulk ${i}` } })),
    );
    const ids = created(r).map((m) => m.id);
    const hash = created(r)[0]?.blobHash as string;
    expect((await storage.blobs.getBlobInfo([hash]))[0]?.refcount).toBe(count);
    const flagged = await storage.messages.setFlags(ids, { add: MessageFlag.Seen, addKeywords: ['$Bulk'] });
    expect(flagged.messages.filter((m) => m.changed)).toHaveLength(count);
    let rows = 0;
    for await (const page of storage.messages.iterateContents(
      { folderId: inbox.id, columns: ['flags'], where: { type: 'keyword', keyword: '$bulk' } },
      1000,
    )) {
      rows += page.length;
    }
    expect(rows).toBe(count);
    const moved = await storage.messages.moveMessages(ids, trash.id);
    expect(moved.copied.map((c) => c.uid)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    await exactSize(storeId);
    const del = await storage.messages.deleteMessages(ids);
    expect(del.deleted).toHaveLength(count);
    expect(await storage.blobs.getBlobInfo([hash])).toEqual([]);
    await exactSize(storeId);
  });

  it('creates into 250 folders of two stores in one call: uids and counters per folder, one modseq per store', async () => {
    const users = [await newUser(), await newUser()];
    const targets: Array<{ id: number; storeId: number }> = [];
    for (const u of users) {
      const root = (await storage.stores.getStore(u.storeId)).rootFolderId;
      const { folders } = await storage.folders.createFolders(
        Array.from({ length: 125 }, (_, i) => ({ parentId: root, name: `many ${i}` })),
      );
      targets.push(...folders.map((f) => ({ id: f.id, storeId: u.storeId })));
    }
    const since = await Promise.all(users.map(async (u) => (await storage.stores.getStore(u.storeId)).highestModseq));
    const input = targets.flatMap((f, i) =>
      Array.from({ length: 1 + (i % 2) }, (_, j) => ({
        folderId: f.id,
        mime: mime(`many ${i}-${j}`),
        flags: j === 1 ? MessageFlag.Seen : 0,
      })),
    );
    const r = await storage.messages.createMessages(input);
    const msgs = created(r);
    expect(r.changes.map((c) => c.storeId)).toEqual(users.map((u) => u.storeId).sort((a, b) => a - b));
    const modseqOf = new Map(r.changes.map((c) => [c.storeId, c.modseq]));
    msgs.forEach((m, i) => {
      expect(m.folderId).toBe(input[i]?.folderId);
      expect(m.uid).toBe(i > 0 && input[i - 1]?.folderId === m.folderId ? 2 : 1);
      expect(m.modseq).toBe(modseqOf.get(m.storeId));
    });
    const loaded = await storage.messages.getMessages(msgs.map((m) => m.id));
    expect(loaded.map((m) => [m.folderId, m.uid, m.modseq])).toEqual(msgs.map((m) => [m.folderId, m.uid, m.modseq]));
    const statuses = await storage.folders.getFolderStatus(targets.map((f) => f.id));
    statuses.forEach((st, i) => {
      const n = 1 + (i % 2);
      expect(st).toMatchObject({ messages: n, unseen: 1, uidnext: n + 1 });
      expect(st.highestModseq).toBe(modseqOf.get(targets[i]?.storeId as number));
    });
    for (const [k, u] of users.entries()) {
      await exactSize(u.storeId);
      const { entries } = await storage.journal.getChanges(u.storeId, since[k] as number);
      const mine = msgs.filter((m) => m.storeId === u.storeId);
      expect(entries.map((e) => [e.kind, e.messageId, e.uid, e.modseq])).toEqual(
        mine.map((m) => ['message-new', m.id, m.uid, m.modseq]),
      );
    }
  });

  it('refuses a message to a folder deleted after it was last used, and stores the others', async () => {
    const { storeId, inbox } = await newUser();
    const root = (await storage.stores.getStore(storeId)).rootFolderId;
    const { folders } = await storage.folders.createFolders([{ parentId: root, name: 'short-lived' }]);
    const gone = folders[0]?.id as number;
    created(await storage.messages.createMessages([{ folderId: gone, mime: mime('before') }]));
    await storage.folders.deleteFolder(gone);
    const r = await storage.messages.createMessages([
      { folderId: gone, mime: mime('late') },
      { folderId: inbox.id, mime: mime('kept') },
    ]);
    expect(r.results[0]).toMatchObject({ ok: false, error: { code: 'KCERR_NOT_FOUND' } });
    expect(r.results[1]).toMatchObject({ ok: true, folderId: inbox.id, uid: 1 });
    await exactSize(storeId);
  });

  it('places a message by the folder row, not by a remembered folder id that a rollback gave back', async () => {
    const a = await newUser();
    const b = await newUser();
    const rootA = (await storage.stores.getStore(a.storeId)).rootFolderId;
    const rootB = (await storage.stores.getStore(b.storeId)).rootFolderId;
    let rolledBack = 0;
    await expect(
      storage.withTransaction(async (tx) => {
        const { folders } = await tx.folders.createFolders([{ parentId: rootA, name: 'rolled back' }]);
        rolledBack = folders[0]?.id as number;
        await tx.messages.createMessages([{ folderId: rolledBack, mime: mime('never') }]);
        throw new KcError('KCERR_INVALID_PARAMETER', 'abort');
      }),
    ).rejects.toMatchObject({ code: 'KCERR_INVALID_PARAMETER' });
    // SQLite hands the rolled-back id out again; MariaDB does not (then this is a plain create).
    const { folders } = await storage.folders.createFolders([{ parentId: rootB, name: 'after rollback' }]);
    const target = folders[0]?.id as number;
    if (engine === 'sqlite') expect(target).toBe(rolledBack);
    const [m] = created(await storage.messages.createMessages([{ folderId: target, mime: mime('lands in b') }]));
    expect(m).toMatchObject({ storeId: b.storeId, folderId: target, uid: 1 });
    await exactSize(a.storeId);
    await exactSize(b.storeId);
  });

  it('makes the same few round trips per createMessages transaction for 1 or 8 messages', async () => {
    let sent: string[] = [];
    const db = await h.open({ db: 'counted', onStatement: (sql) => sent.push(sql) });
    const user = await db.users.createUser({ loginName: 'counted' });
    const inbox = await db.folders.findFolderByRole(user.storeId as number, 'inbox');
    const create = async (n: number, tag: string) => {
      sent = [];
      created(
        await db.messages.createMessages(
          Array.from({ length: n }, (_, i) => ({ folderId: inbox?.id as number, mime: mime(`${tag} ${i}`) })),
        ),
      );
      return sent.length;
    };
    await create(1, 'warm');
    const one = await create(1, 'one');
    expect(await create(8, 'eight')).toBe(one);
    // Two: START TRANSACTION + locks (stores+folders+quota) + blob rows + earlier deliveries; then
    // blob upsert, chunks, messages, counters, journal, new ids and COMMIT.
    if (engine === 'mysql') expect(one).toBe(2);
  });

  it('rolls back and frees the connection when a create fails after its first round trip', async () => {
    // One pooled connection: a transaction left open (or a connection not given back) would make
    // the next call hang or commit the failed one's work with its own START TRANSACTION.
    const db = await h.open({ db: 'one-conn', pool: { min: 1, max: 1 } });
    const user = await db.users.createUser({ loginName: 'one-conn' });
    const inbox = (await db.folders.findFolderByRole(user.storeId as number, 'inbox'))?.id as number;
    const before = await db.folders.getFolder(inbox);
    await expect(
      db.messages.createMessages([
        { folderId: inbox, mime: mime('kept out') },
        { folderId: inbox, blobHash: 'f'.repeat(64), size: 10 },
      ]),
    ).rejects.toMatchObject({ code: 'KCERR_NOT_FOUND' });
    expect(await db.folders.getFolder(inbox)).toEqual(before);
    if (engine === 'mysql') {
      // Fails inside the write trip, after the blob row was written: all of it must roll back.
      const data = mime('half written');
      await expect(
        db.messages.createMessages([{ folderId: inbox, mime: data, messageClass: 'x'.repeat(300) }]),
      ).rejects.toMatchObject({ code: 'KCERR_DATABASE_ERROR' });
      const hash = createHash('sha256').update(data).digest('hex');
      expect(await db.blobs.getBlobInfo([hash])).toEqual([]);
    }
    const [ok] = created(await db.messages.createMessages([{ folderId: inbox, mime: mime('after') }]));
    expect(ok?.uid).toBe(before.uidnext);
    expect(await db.folders.getFolder(inbox)).toMatchObject({ uidnext: before.uidnext + 1 });
  });

  it('gives the same results with portable SQL (no INSERT … RETURNING)', async () => {
    const db = await h.open({ db: 'portable', portableSql: true });
    const inboxes: number[] = [];
    for (const name of ['portable-a', 'portable-b']) {
      const u = await db.users.createUser({ loginName: name });
      inboxes.push((await db.folders.findFolderByRole(u.storeId as number, 'inbox'))?.id as number);
    }
    const [a, b] = inboxes as [number, number];
    const shared = mime('portable shared');
    const first = created(
      await db.messages.createMessages([
        { folderId: a, mime: shared },
        { folderId: b, mime: shared },
        { folderId: a, mime: mime('portable own') },
      ]),
    );
    const again = created(await db.messages.createMessages([{ folderId: b, mime: shared }]));
    const all = [...first, ...again];
    expect(all.map((m) => [m.folderId, m.uid])).toEqual([
      [a, 1],
      [b, 1],
      [a, 2],
      [b, 2],
    ]);
    const loaded = await db.messages.getMessages(all.map((m) => m.id));
    expect(loaded.map((m) => [m.folderId, m.uid])).toEqual(all.map((m) => [m.folderId, m.uid]));
    const hash = first[0]?.blobHash as string;
    expect((await db.blobs.getBlobInfo([hash]))[0]?.refcount).toBe(3);
    expect((await db.blobs.readBlob(hash)).equals(shared)).toBe(true);
    const [sa, sb] = await db.folders.getFolderStatus([a, b]);
    expect(sa).toMatchObject({ messages: 2, uidnext: 3 });
    expect(sb).toMatchObject({ messages: 2, uidnext: 3 });
  });

  it('refuses at hard quota per message, honours skipQuotaCheck, and reports KGC levels', async () => {
    const { userId, storeId, inbox } = await newUser();
    const body = Buffer.alloc(1000, 'x');
    await storage.users.setUserQuota(userId, { override: true, warn: 1000, soft: 2000, hard: 3000 });
    expect((await storage.stores.getQuotaStatus(storeId)).level).toBe('ok');
    created(await storage.messages.createMessages([{ folderId: inbox.id, mime: body }]));
    expect(await storage.stores.getQuotaStatus(storeId)).toMatchObject({ size: 1000, level: 'warn', hard: 3000 });
    const r = await storage.messages.createMessages(
      [1, 2, 3].map((i) => ({ folderId: inbox.id, mime: Buffer.alloc(1000, String(i)) })),
    );
    // 1000 → 2000 → 3000: the third is refused because the store reached the hard limit.
    expect(r.results.map((x) => x.ok)).toEqual([true, true, false]);
    const refused = r.results[2];
    expect(refused?.ok === false && refused.error.code).toBe('KCERR_STORE_FULL');
    expect((await storage.stores.getQuotaStatus(storeId)).level).toBe('hard');
    const sys = await storage.messages.createMessages([{ folderId: inbox.id, mime: mime('quota warning') }], {
      skipQuotaCheck: true,
    });
    expect(sys.results[0]?.ok).toBe(true);
    // Back to the server defaults: no limits.
    await storage.users.setUserQuota(userId, { override: false, warn: 1000, soft: 2000, hard: 3000 });
    expect((await storage.stores.getQuotaStatus(storeId)).level).toBe('ok');
    await exactSize(storeId);
  });

  it('applies server default limits when the user has no override', async () => {
    // Same database, another server configuration: the defaults are config, not data.
    const limited = await h.open({ quotaDefaults: { warn: 10, soft: 20, hard: 30 } });
    const user = await limited.users.createUser({ loginName: 'defaults' });
    const inbox = await limited.folders.findFolderByRole(user.storeId as number, 'inbox');
    await limited.messages.createMessages([{ folderId: inbox?.id as number, mime: Buffer.alloc(25) }]);
    expect(await limited.stores.getQuotaStatus(user.storeId as number)).toMatchObject({
      size: 25,
      warn: 10,
      soft: 20,
      hard: 30,
      level: 'soft',
    });
    const all = await limited.stores.listQuotaStatuses();
    expect(all.find((s) => s.storeId === user.storeId)?.level).toBe('soft');
    expect((await storage.stores.getQuotaStatus(user.storeId as number)).level).toBe('ok');
  });

  it('sets flags and keywords in bulk with the unchangedSince guard', async () => {
    const { storeId, inbox } = await newUser();
    const msgs = created(
      await storage.messages.createMessages(
        Array.from({ length: 4 }, (_, i) => ({ folderId: inbox.id, mime: mime(`f${i}`), keywords: ['$Old'] })),
      ),
    );
    const ids = msgs.map((m) => m.id);
    const base = msgs[0]?.modseq as number;
    const first = await storage.messages.setFlags(ids.slice(0, 2), { add: MessageFlag.Seen | MessageFlag.Flagged });
    expect(first.messages.every((m) => m.changed && m.flags === (MessageFlag.Seen | MessageFlag.Flagged))).toBe(true);
    const m1 = first.changes[0]?.modseq as number;
    expect(m1).toBeGreaterThan(base);
    expect((await storage.folders.getFolder(inbox.id)).unseenCount).toBe(2);

    // Messages 0 and 1 changed after `base`: they fail the guard; 2 and 3 change.
    const guarded = await storage.messages.setFlags(
      ids,
      { remove: MessageFlag.Flagged, addKeywords: ['$Junk'], removeKeywords: ['$old'] },
      { unchangedSince: base },
    );
    expect(guarded.modified.sort()).toEqual(ids.slice(0, 2).sort());
    expect(guarded.messages.map((m) => m.id).sort()).toEqual(ids.slice(2).sort());
    expect(guarded.messages.every((m) => m.keywords.join() === '$Junk' && m.changed)).toBe(true);

    // No-op change: found, not changed, no journal entry.
    const noop = await storage.messages.setFlags([ids[0] as number], { add: MessageFlag.Seen });
    expect(noop.messages[0]?.changed).toBe(false);
    expect(noop.changes).toEqual([]);
    expect((await storage.messages.setFlags([999999], { add: 1 })).notFound).toEqual([999999]);

    const journal = await storage.journal.getChanges(storeId, base);
    expect(journal.entries.filter((e) => e.kind === 'message-flags').map((e) => e.messageId)).toEqual([
      ids[0],
      ids[1],
      ids[2],
      ids[3],
    ]);
    const loaded = await storage.messages.getMessages(ids);
    expect(loaded.map((m) => m.keywords)).toEqual([['$Old'], ['$Old'], ['$Junk'], ['$Junk']]);
    expect(await storage.messages.setFlags(ids, { replace: 0, replaceKeywords: [] })).toMatchObject({ modified: [] });
    expect((await storage.folders.getFolder(inbox.id)).unseenCount).toBe(4);
    await exactSize(storeId);
  });

  it('copies and moves within and across stores with exact sizes, new uids and blob refs', async () => {
    const a = await newUser();
    const b = await newUser();
    const msgs = created(
      await storage.messages.createMessages(
        [100, 200, 300].map((len, i) => ({
          folderId: a.inbox.id,
          mime: Buffer.alloc(len, String(i)),
          properties: { 'x-test': { type: 'string', value: `p${i}` } },
        })),
      ),
    );
    const ids = msgs.map((m) => m.id);
    const copy = await storage.messages.copyMessages(ids, b.inbox.id);
    expect(copy.copied.map((c) => [c.sourceUid, c.uid])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect((await storage.stores.getStore(b.storeId)).size).toBe(600);
    const copiedMsg = await storage.messages.getMessage(copy.copied[1]?.id as number, { properties: true, mime: true });
    expect(copiedMsg.properties['x-test']).toEqual({ type: 'string', value: 'p1' });
    expect(copiedMsg.mime?.length).toBe(200);
    const [info] = await storage.blobs.getBlobInfo([copiedMsg.blobHash as string]);
    expect(info?.refcount).toBe(2);

    // Same-store move keeps the id, assigns a new uid, store size unchanged.
    const moved = await storage.messages.moveMessages([ids[0] as number], a.trash.id);
    expect(moved.copied).toEqual([{ sourceId: ids[0], sourceFolderId: a.inbox.id, sourceUid: 1, id: ids[0], uid: 1 }]);
    expect((await storage.stores.getStore(a.storeId)).size).toBe(600);
    // Cross-store move: gone from a, new row in b.
    const cross = await storage.messages.moveMessages([ids[1] as number], b.trash.id);
    expect(cross.copied[0]?.id).not.toBe(ids[1]);
    expect((await storage.stores.getStore(a.storeId)).size).toBe(400);
    expect((await storage.stores.getStore(b.storeId)).size).toBe(800);
    expect(cross.changes.map((c) => c.storeId).sort()).toEqual([a.storeId, b.storeId].sort());
    const [info2] = await storage.blobs.getBlobInfo([copiedMsg.blobHash as string]);
    expect(info2?.refcount).toBe(2);

    const del = await storage.messages.deleteMessages([...ids, ...copy.copied.map((c) => c.id)]);
    expect(del.notFound).toEqual([ids[1]]);
    expect((await storage.stores.getStore(a.storeId)).size).toBe(0);
    expect((await storage.stores.getStore(b.storeId)).size).toBe(200);
    await exactSize(a.storeId);
    await exactSize(b.storeId);
    expect((await storage.blobs.getBlobInfo([copiedMsg.blobHash as string]))[0]?.refcount).toBe(1);
  });

  it('refuses copies into a store at hard quota', async () => {
    const a = await newUser();
    const b = await newUser();
    await storage.users.setUserQuota(b.userId, { override: true, warn: 0, soft: 0, hard: 1 });
    await storage.messages.createMessages([{ folderId: b.inbox.id, mime: mime('fill') }], { skipQuotaCheck: true });
    const [m] = created(await storage.messages.createMessages([{ folderId: a.inbox.id, mime: mime('x') }]));
    await expect(storage.messages.copyMessages([m?.id as number], b.inbox.id)).rejects.toMatchObject({
      code: 'KCERR_STORE_FULL',
    });
    await expect(storage.messages.moveMessages([m?.id as number], b.inbox.id)).rejects.toBeInstanceOf(KcError);
    expect(
      (await storage.messages.copyMessages([m?.id as number], b.inbox.id, { skipQuotaCheck: true })).copied,
    ).toHaveLength(1);
  });

  it('answers contents-table queries: sort, paging, restrictions', async () => {
    const { inbox } = await newUser();
    const t0 = Date.UTC(2026, 0, 1);
    const input: NewMessage[] = [
      { subject: 'Re: banana', from: 'carol@x.org', size: 300, day: 3, flags: MessageFlag.Seen, kw: ['$Work'] },
      { subject: 'apple', from: 'alice@x.org', size: 100, day: 1, flags: 0, kw: [] },
      { subject: 'Cherry pie', from: 'bob@x.org', size: 200, day: 2, flags: MessageFlag.Flagged, kw: ['$Work', 'x'] },
      { subject: '100% done_now', from: 'dave@y.org', size: 50, day: 4, flags: MessageFlag.Deleted, kw: [] },
    ].map((m) => ({
      folderId: inbox.id,
      mime: Buffer.alloc(m.size, m.subject),
      flags: m.flags,
      keywords: m.kw,
      internalDate: t0 + m.day * 86400_000,
      envelope: { subject: m.subject, fromAddress: m.from, to: 'team@x.org', date: t0 + m.day * 86400_000 },
    }));
    created(await storage.messages.createMessages(input));
    const q = (extra: Partial<Parameters<typeof storage.messages.queryContents>[0]>) =>
      storage.messages.queryContents({ folderId: inbox.id, columns: ['subject'], ...extra });
    const subjects = async (extra: Partial<Parameters<typeof storage.messages.queryContents>[0]>) =>
      (await q(extra)).map((r) => r.subject);
    expect(await subjects({})).toEqual(['Re: banana', 'apple', 'Cherry pie', '100% done_now']);
    expect(await subjects({ sort: [{ field: 'subject' }] })).toEqual([
      '100% done_now',
      'apple',
      'Re: banana',
      'Cherry pie',
    ]);
    expect(await subjects({ sort: [{ field: 'date', desc: true }], limit: 2 })).toEqual([
      '100% done_now',
      'Re: banana',
    ]);
    expect(await subjects({ sort: [{ field: 'size' }], offset: 1, limit: 2 })).toEqual(['apple', 'Cherry pie']);
    expect(await subjects({ sort: [{ field: 'from' }] })).toEqual([
      'apple',
      'Cherry pie',
      'Re: banana',
      '100% done_now',
    ]);
    expect(await subjects({ where: { type: 'uid', ranges: [{ from: 2, to: 3 }] } })).toEqual(['apple', 'Cherry pie']);
    expect(await subjects({ where: { type: 'uid', ranges: [{ from: 4 }, { from: 1, to: 1 }] } })).toEqual([
      'Re: banana',
      '100% done_now',
    ]);
    expect(await subjects({ where: { type: 'flags', unset: MessageFlag.Seen | MessageFlag.Deleted } })).toEqual([
      'apple',
      'Cherry pie',
    ]);
    expect(await subjects({ where: { type: 'keyword', keyword: '$work' } })).toEqual(['Re: banana', 'Cherry pie']);
    expect(await subjects({ where: { type: 'keyword', keyword: 'x', present: false } })).toHaveLength(3);
    expect(
      await subjects({ where: { type: 'internalDate', since: t0 + 2 * 86400_000, before: t0 + 4 * 86400_000 } }),
    ).toEqual(['Re: banana', 'Cherry pie']);
    expect(await subjects({ where: { type: 'size', larger: 100, smaller: 300 } })).toEqual(['Cherry pie']);
    expect(await subjects({ where: { type: 'header', field: 'subject', contains: 'PIE' } })).toEqual(['Cherry pie']);
    expect(await subjects({ where: { type: 'header', field: 'subject', contains: '0% d' } })).toEqual([
      '100% done_now',
    ]);
    expect(await subjects({ where: { type: 'header', field: 'subject', contains: '_' } })).toEqual(['100% done_now']);
    expect(await subjects({ where: { type: 'header', field: 'from', contains: '@y.org' } })).toEqual(['100% done_now']);
    expect(
      await subjects({
        where: {
          type: 'or',
          items: [
            { type: 'header', field: 'from', contains: 'alice' },
            { type: 'not', item: { type: 'size', smaller: 250 } },
          ],
        },
      }),
    ).toEqual(['Re: banana', 'apple']);
    expect(
      await storage.messages.countContents({
        folderId: inbox.id,
        where: { type: 'header', field: 'to', contains: 'team' },
      }),
    ).toBe(4);
    const pages: number[][] = [];
    for await (const page of storage.messages.iterateContents({ folderId: inbox.id }, 3))
      pages.push(page.map((r) => r.uid));
    expect(pages).toEqual([[1, 2, 3], [4]]);
    const expunged = await storage.messages.expungeDeleted(inbox.id);
    expect(expunged.deleted.map((d) => d.uid)).toEqual([4]);
  });

  it('stores and reads generic properties, journalling message changes', async () => {
    const { storeId, inbox } = await newUser();
    const [m] = created(await storage.messages.createMessages([{ folderId: inbox.id }]));
    const id = m?.id as number;
    const when = new Date(Date.UTC(2026, 5, 1));
    const r = await storage.properties.setProperties([
      {
        object: { type: 'message', id },
        set: {
          s: { type: 'string', value: 'ünïcode ✓' },
          i: { type: 'int', value: 2 ** 40 },
          b: { type: 'bool', value: true },
          bin: { type: 'binary', value: Buffer.from([0, 1, 255]) },
          d: { type: 'date', value: when },
        },
      },
      { object: { type: 'folder', id: inbox.id }, set: { color: { type: 'int', value: 3 } } },
    ]);
    const [props, folderProps] = await storage.properties.getProperties([
      { type: 'message', id },
      { type: 'folder', id: inbox.id },
    ]);
    expect(props).toEqual({
      s: { type: 'string', value: 'ünïcode ✓' },
      i: { type: 'int', value: 2 ** 40 },
      b: { type: 'bool', value: true },
      bin: { type: 'binary', value: Buffer.from([0, 1, 255]) },
      d: { type: 'date', value: when },
    });
    expect(folderProps).toEqual({ color: { type: 'int', value: 3 } });
    await storage.properties.setProperties([
      { object: { type: 'message', id }, set: { s: { type: 'string', value: 'new' } }, remove: ['b'] },
    ]);
    const [again] = await storage.properties.getProperties([{ type: 'message', id }], ['s', 'b']);
    expect(again).toEqual({ s: { type: 'string', value: 'new' } });
    const changes = await storage.journal.getChanges(storeId, (m?.modseq as number) - 1);
    expect(changes.entries.map((e) => e.kind)).toEqual([
      'message-new',
      'message-change',
      'folder-change',
      'message-change',
    ]);
    expect(r.changes[0]?.storeId).toBe(storeId);
    expect((await storage.messages.getMessage(id)).modseq).toBe(changes.highestModseq);
  });

  it('orders the journal by modseq and pages without splitting an operation', async () => {
    const { storeId, inbox, trash } = await newUser();
    const start = (await storage.stores.getStore(storeId)).highestModseq;
    const msgs = created(
      await storage.messages.createMessages(
        Array.from({ length: 3 }, (_, i) => ({ folderId: inbox.id, mime: mime(`j${i}`) })),
      ),
    );
    await storage.messages.setFlags([msgs[0]?.id as number], { add: MessageFlag.Seen });
    await storage.messages.moveMessages([msgs[1]?.id as number], trash.id);
    await storage.messages.deleteMessages([msgs[2]?.id as number]);
    const all = await storage.journal.getChanges(storeId, start);
    expect(all.entries.map((e) => e.kind)).toEqual([
      'message-new',
      'message-new',
      'message-new',
      'message-flags',
      'message-expunge',
      'message-new',
      'message-expunge',
    ]);
    const modseqs = all.entries.map((e) => e.modseq);
    expect([...modseqs].sort((x, y) => x - y)).toEqual(modseqs);
    expect(all.nextSince).toBe(all.highestModseq);
    expect(all.more).toBe(false);
    // limit 2 would split the 3-message delivery: the whole operation comes back.
    const p1 = await storage.journal.getChanges(storeId, start, { limit: 2 });
    expect(p1.entries).toHaveLength(3);
    expect(p1.more).toBe(true);
    const p2 = await storage.journal.getChanges(storeId, p1.nextSince, { limit: 2 });
    expect(p2.entries.map((e) => e.kind)).toEqual(['message-flags']);
    const p3 = await storage.journal.getChanges(storeId, p2.nextSince, { limit: 2 });
    expect(p3.entries.map((e) => e.kind)).toEqual(['message-expunge', 'message-new']);
    const trashOnly = await storage.journal.getChanges(storeId, start, { folderId: trash.id });
    expect(trashOnly.entries.map((e) => [e.kind, e.uid])).toEqual([['message-new', 1]]);
  });

  it('groups several operations into one transaction (group commit) and rolls back on error', async () => {
    const a = await newUser();
    const b = await newUser();
    const result = await storage.withTransaction(async (tx) => {
      const x = await tx.messages.createMessages([{ folderId: a.inbox.id, mime: mime('g1') }]);
      const y = await tx.messages.createMessages([{ folderId: b.inbox.id, mime: mime('g2') }]);
      return [...x.changes, ...y.changes];
    });
    expect(result.map((c) => c.storeId)).toEqual([a.storeId, b.storeId]);
    const before = await storage.folders.getFolder(a.inbox.id);
    await expect(
      storage.withTransaction(async (tx) => {
        await tx.messages.createMessages([{ folderId: a.inbox.id, mime: mime('rolled back') }]);
        throw new KcError('KCERR_INVALID_PARAMETER', 'abort');
      }),
    ).rejects.toMatchObject({ code: 'KCERR_INVALID_PARAMETER' });
    expect(await storage.folders.getFolder(a.inbox.id)).toEqual(before);
  });
  it('reads raw messages up to a byte budget (the first always), defers the rest, and reads no refused store', async () => {
    const a = await newUser();
    const b = await newUser();
    const raws = [300, 500, 100, 100].map((n, i) => Buffer.concat([mime(`budget${i}`), Buffer.alloc(n, 'x')]));
    const mine = created(await storage.messages.createMessages(raws.map((m) => ({ folderId: a.inbox.id, mime: m }))));
    const [other] = created(await storage.messages.createMessages([{ folderId: b.inbox.id, mime: raws[0] as Buffer }]));
    const ids = mine.map((m) => m.id);
    const accept = (storeId: number) => storeId === a.storeId;
    const size = (i: number) => (raws[i] as Buffer).length;
    // Room for the first two: the third would pass the budget, so it and the fourth wait.
    const r = await storage.messages.getRawMessages([other?.id as number, ...ids, 999_999], {
      maxBytes: size(0) + size(1) + 10,
      accept,
    });
    expect(r.messages.map((m) => m.id)).toEqual(ids.slice(0, 2));
    expect(r.messages.map((m) => m.mime?.equals(raws[r.messages.indexOf(m)] as Buffer))).toEqual([true, true]);
    expect(r.deferred).toEqual(ids.slice(2));
    // The first is read even when it alone is over the budget.
    const one = await storage.messages.getRawMessages(ids.slice(1), { maxBytes: 1, accept });
    expect(one.messages.map((m) => m.id)).toEqual([ids[1]]);
    expect(one.deferred).toEqual(ids.slice(2));
    // No budget: everything the store may be read from.
    const all = await storage.messages.getRawMessages([other?.id as number, ...ids], { accept });
    expect(all.messages.map((m) => m.id)).toEqual(ids);
    expect(all.deferred).toEqual([]);
  });

  it('reads messages in groups bounded by count and bytes, in order, leaving out missing and refused ones', async () => {
    const a = await newUser();
    const b = await newUser();
    // 130 small ones (more hashes than one blob query takes), one of two 1 MiB chunks, one elsewhere.
    const small = Array.from({ length: 130 }, (_, i) => mime(`g${i}`, `body ${i}`));
    const big = Buffer.concat([mime('big'), Buffer.alloc(1536 * 1024, 'b')]);
    const mine = created(
      await storage.messages.createMessages([...small, big].map((m) => ({ folderId: a.inbox.id, mime: m }))),
    );
    const [other] = created(
      await storage.messages.createMessages([{ folderId: b.inbox.id, mime: small[0] as Buffer }]),
    );
    const ids = [999_999, ...mine.map((m) => m.id).reverse(), other?.id as number, mine[0]?.id as number];
    const groups: Array<Array<{ id: number; bytes: number }>> = [];
    for await (const g of storage.messages.rawMessageGroups(ids, {
      maxBytes: 4096,
      maxCount: 50,
      accept: (storeId) => storeId === a.storeId,
    }))
      groups.push(g.map((m) => ({ id: m.id, bytes: m.mime?.length ?? -1 })));
    // The big one (first, in the order asked) alone; then groups of 50 or fewer small ones.
    const byId = new Map([...small, big].map((raw, i) => [mine[i]?.id as number, raw]));
    expect(groups.flat().map((m) => m.id)).toEqual(mine.map((m) => m.id).reverse());
    for (const m of groups.flat()) expect(m.bytes).toBe(byId.get(m.id)?.length);
    expect(groups[0]).toEqual([{ id: mine[130]?.id, bytes: big.length }]);
    for (const g of groups.slice(1)) {
      expect(g.length).toBeLessThanOrEqual(50);
      expect(g.length === 1 || g.reduce((sum, m) => sum + m.bytes, 0) <= 4096).toBe(true);
    }
    // Every byte back as stored.
    for await (const g of storage.messages.rawMessageGroups(ids, { maxBytes: 1 << 30, maxCount: 1000 }))
      for (const m of g) if (m.id !== other?.id) expect(m.mime?.equals(byId.get(m.id) as Buffer)).toBe(true);

    // A shared budget: each group's bytes reserved before it is read, freed once the caller is
    // done with it; at most the group in hand and the one read ahead are held, none after.
    let held = 0;
    let most = 0;
    const reserved: number[] = [];
    const reserve = async (bytes: number) => {
      reserved.push(bytes);
      held++;
      most = Math.max(most, held);
      return () => {
        held--;
      };
    };
    const sizes: number[] = [];
    for await (const g of storage.messages.rawMessageGroups(ids, { maxBytes: 4096, maxCount: 50, reserve }))
      sizes.push(g.reduce((sum, m) => sum + (m.mime?.length ?? 0), 0));
    expect(reserved).toEqual(sizes);
    expect(most).toBe(2);
    expect(held).toBe(0);
    // A caller that stops after the first group gives back what it held and what was read ahead.
    for await (const _g of storage.messages.rawMessageGroups(ids, { maxBytes: 4096, maxCount: 50, reserve })) break;
    await new Promise((r) => setTimeout(r, 50));
    expect(held).toBe(0);
  });

  it('files with an inline threshold: small blobs in the database, large ones in files, both freed', async () => {
    const small = Buffer.concat([mime('small'), Buffer.alloc(1000, 's')]);
    const large = Buffer.concat([mime('large'), Buffer.alloc(70_000, 'l')]);
    const legacy = Buffer.concat([mime('legacy'), Buffer.alloc(500, 'g')]);
    const fileOf = (hash: string) => join(h.attachmentPath('hybrid'), hash.slice(0, 2), hash.slice(2, 4), hash);
    // Written while every blob went to a file (threshold 0) ...
    const before = await h.open({ db: 'hybrid', attachmentStorage: 'files', attachmentInlineMax: 0 });
    const u0 = await before.users.createUser({ loginName: 'hybrid-legacy' });
    const in0 = await before.folders.findFolderByRole(u0.storeId as number, 'inbox');
    const [old] = created(await before.messages.createMessages([{ folderId: in0?.id as number, mime: legacy }]));
    expect(existsSync(fileOf(old?.blobHash as string))).toBe(true);
    // ... then the threshold is raised.
    const db = await h.open({ db: 'hybrid', attachmentStorage: 'files', attachmentInlineMax: 64 * 1024 });
    const u = await db.users.createUser({ loginName: 'hybrid-user' });
    const inbox = await db.folders.findFolderByRole(u.storeId as number, 'inbox');
    const msgs = created(
      await db.messages.createMessages([
        { folderId: inbox?.id as number, mime: small },
        { folderId: inbox?.id as number, mime: large },
      ]),
    );
    const [s, l] = msgs.map((m) => m.blobHash as string);
    expect(existsSync(fileOf(s as string))).toBe(false);
    expect(existsSync(fileOf(l as string))).toBe(true);
    expect((await db.blobs.readBlob(s as string)).equals(small)).toBe(true);
    expect((await db.blobs.readBlob(l as string)).equals(large)).toBe(true);
    expect((await db.blobs.readBlob(old?.blobHash as string)).equals(legacy)).toBe(true);
    // Many at once (loadMessages): one query for the inline ones, the files read together.
    const many = await db.messages.getMessages([old?.id as number, ...msgs.map((m) => m.id), 999_999], { mime: true });
    expect(many.map((m) => m.mime?.equals(m.id === old?.id ? legacy : m.id === msgs[0]?.id ? small : large))).toEqual([
      true,
      true,
      true,
    ]);
    await db.messages.deleteMessages([...msgs.map((m) => m.id), old?.id as number]);
    for (const hash of [s, l, old?.blobHash]) {
      expect(await db.blobs.getBlobInfo([hash as string])).toEqual([]);
      expect(existsSync(fileOf(hash as string))).toBe(false);
      await expect(db.blobs.readBlob(hash as string)).rejects.toMatchObject({ code: 'KCERR_NOT_FOUND' });
    }
  });
  for (const attachmentStorage of ['database', 'files'] as const) {
    it(`stores one blob for 10 recipients and frees it at refcount 0 (${attachmentStorage})`, async () => {
      const db =
        attachmentStorage === 'database' ? storage : await h.open({ db: attachmentStorage, attachmentStorage });
      const users = await Promise.all(
        Array.from({ length: 10 }, (_, i) => db.users.createUser({ loginName: `${attachmentStorage}-rcpt${i}` })),
      );
      const inboxes = await Promise.all(users.map((u) => db.folders.findFolderByRole(u.storeId as number, 'inbox')));
      const data = Buffer.concat([mime('for everyone'), Buffer.alloc(3 * 1024 * 1024 + 17, 'z')]);
      const r = await db.messages.createMessages(inboxes.map((f) => ({ folderId: f?.id as number, mime: data })));
      const msgs = created(r);
      expect(r.changes).toHaveLength(10);
      const hashes = new Set(msgs.map((m) => m.blobHash));
      expect(hashes.size).toBe(1);
      const hash = msgs[0]?.blobHash as string;
      expect(await db.blobs.getBlobInfo([hash])).toEqual([{ hash, size: data.length, refcount: 10 }]);
      expect((await db.blobs.readBlob(hash)).equals(data)).toBe(true);
      const loaded = await db.messages.getMessages(
        msgs.slice(0, 3).map((m) => m.id),
        { mime: true },
      );
      expect(loaded.map((m) => m.mime?.equals(data))).toEqual([true, true, true]);
      const file = join(
        h.attachmentPath(attachmentStorage === 'database' ? 'main' : attachmentStorage),
        hash.slice(0, 2),
        hash.slice(2, 4),
        hash,
      );
      expect(existsSync(file)).toBe(attachmentStorage === 'files');

      await db.messages.deleteMessages(msgs.slice(0, 9).map((m) => m.id));
      expect((await db.blobs.getBlobInfo([hash]))[0]?.refcount).toBe(1);
      // The last reference goes with the user's store.
      await db.users.deleteUser(users[9]?.id as number);
      expect(await db.blobs.getBlobInfo([hash])).toEqual([]);
      await expect(db.blobs.readBlob(hash)).rejects.toMatchObject({ code: 'KCERR_NOT_FOUND' });
      expect(existsSync(file)).toBe(false);
      expect(existsSync(`${file}.trash`)).toBe(false);
      // Stored again after being freed.
      const again = created(await db.messages.createMessages([{ folderId: inboxes[0]?.id as number, mime: data }]));
      expect((await db.blobs.readBlob(again[0]?.blobHash as string)).length).toBe(data.length);
    });
  }
});
