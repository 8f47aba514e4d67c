import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageFlag } from './message-flags.js';
import type { Storage } from './storage.js';
import { mime, TEST_ENGINES, TestHarness } from './test-harness.js';

describe.each(TEST_ENGINES)('folders (%s)', (engine) => {
  const h = new TestHarness(engine, 'folders');
  let storage: Storage;
  let storeId: number;
  let rootId: number;
  beforeAll(async () => {
    storage = await h.open();
    const user = await storage.users.createUser({ loginName: 'folders' });
    storeId = user.storeId as number;
    rootId = (await storage.stores.getStore(storeId)).rootFolderId;
  });
  afterAll(() => h.cleanup());

  it('creates folders with fresh uidvalidity and refuses duplicate names under one parent', async () => {
    const { folder: lists, changes } = await storage.folders.createFolder({ parentId: rootId, name: 'Lists' });
    expect(lists).toMatchObject({ parentId: rootId, containerClass: 'IPF.Note', role: null, uidnext: 1 });
    expect(changes).toEqual([{ storeId, modseq: lists.highestModseq }]);
    const { folders } = await storage.folders.createFolders([
      { parentId: lists.id, name: 'kgc' },
      { parentId: lists.id, name: 'Events', containerClass: 'IPF.Appointment' },
    ]);
    expect(folders.map((f) => f.containerClass)).toEqual(['IPF.Note', 'IPF.Appointment']);
    expect(new Set([lists, ...folders].map((f) => f.uidvalidity)).size).toBe(3);
    await expect(storage.folders.createFolder({ parentId: rootId, name: 'lists' })).rejects.toMatchObject({
      code: 'KCERR_COLLISION',
    });
    await expect(storage.folders.createFolder({ parentId: rootId, name: 'INBOX' })).rejects.toMatchObject({
      code: 'KCERR_COLLISION',
    });
    await expect(
      storage.folders.createFolders([
        { parentId: lists.id, name: 'a' },
        { parentId: lists.id, name: 'A' },
      ]),
    ).rejects.toMatchObject({ code: 'KCERR_COLLISION' });
    // Same name under another parent is fine.
    await storage.folders.createFolder({ parentId: folders[0]?.id as number, name: 'Lists' });
    await expect(storage.folders.createFolder({ parentId: 987654, name: 'x' })).rejects.toMatchObject({
      code: 'KCERR_NOT_FOUND',
    });
    await expect(storage.folders.createFolder({ parentId: rootId, name: '' })).rejects.toMatchObject({
      code: 'KCERR_INVALID_PARAMETER',
    });
    const tree = await storage.folders.listFolders(storeId);
    expect(tree.filter((f) => f.path[0] === 'Lists').map((f) => f.path.join('/'))).toEqual([
      'Lists',
      'Lists/Events',
      'Lists/kgc',
      'Lists/kgc/Lists',
    ]);
  });

  it('renames and moves, refusing cycles, collisions and the root', async () => {
    const { folder: a } = await storage.folders.createFolder({ parentId: rootId, name: 'A' });
    const { folder: b } = await storage.folders.createFolder({ parentId: a.id, name: 'B' });
    const { folder: c } = await storage.folders.createFolder({ parentId: b.id, name: 'C' });
    await expect(storage.folders.updateFolder(a.id, { parentId: c.id })).rejects.toMatchObject({
      code: 'KCERR_INVALID_PARAMETER',
    });
    await expect(storage.folders.updateFolder(a.id, { parentId: a.id })).rejects.toMatchObject({
      code: 'KCERR_INVALID_PARAMETER',
    });
    await expect(storage.folders.updateFolder(rootId, { name: 'x' })).rejects.toMatchObject({
      code: 'KCERR_INVALID_PARAMETER',
    });
    await expect(storage.folders.updateFolder(c.id, { parentId: rootId, name: 'inbox' })).rejects.toMatchObject({
      code: 'KCERR_COLLISION',
    });
    const moved = await storage.folders.updateFolder(c.id, { parentId: rootId, name: 'C2' });
    expect(moved.folder).toMatchObject({ parentId: rootId, name: 'C2', uidvalidity: c.uidvalidity });
    const renamed = await storage.folders.updateFolder(b.id, { name: 'b', subscribed: false });
    expect(renamed.folder).toMatchObject({ name: 'b', subscribed: false });
    const journal = await storage.journal.getChanges(storeId, (moved.changes[0]?.modseq as number) - 1);
    expect(journal.entries.map((e) => [e.kind, e.folderId])).toEqual([
      ['folder-change', c.id],
      ['folder-change', b.id],
    ]);
    // Another store's folder cannot become the parent.
    const other = await storage.users.createUser({ loginName: 'other' });
    const otherInbox = await storage.folders.findFolderByRole(other.storeId as number, 'inbox');
    await expect(storage.folders.updateFolder(b.id, { parentId: otherInbox?.id as number })).rejects.toMatchObject({
      code: 'KCERR_INVALID_PARAMETER',
    });
  });

  it('deletes recursively: messages, blobs, counters, store size and journal', async () => {
    const { folder: top } = await storage.folders.createFolder({ parentId: rootId, name: 'Doomed' });
    const { folder: sub } = await storage.folders.createFolder({ parentId: top.id, name: 'Sub' });
    const inbox = await storage.folders.findFolderByRole(storeId, 'inbox');
    const sizeBefore = (await storage.stores.getStore(storeId)).size;
    const shared = mime('shared');
    const r = await storage.messages.createMessages([
      { folderId: top.id, mime: shared },
      { folderId: sub.id, mime: mime('only here') },
      { folderId: inbox?.id as number, mime: shared },
    ]);
    const hashes = r.results.map((x) => (x.ok ? x.blobHash : null)) as string[];
    const removal = await storage.folders.deleteFolder(top.id);
    expect(removal.deletedFolderIds.sort()).toEqual([top.id, sub.id].sort());
    expect(removal.deletedMessages).toBe(2);
    await expect(storage.folders.getFolder(sub.id)).rejects.toMatchObject({ code: 'KCERR_NOT_FOUND' });
    expect((await storage.stores.getStore(storeId)).size).toBe(sizeBefore + shared.length);
    const infos = await storage.blobs.getBlobInfo(hashes);
    expect(infos).toEqual([{ hash: hashes[0], size: shared.length, refcount: 1 }]);
    const journal = await storage.journal.getChanges(storeId, (removal.changes[0]?.modseq as number) - 1);
    expect(journal.entries.map((e) => e.kind)).toEqual(['folder-delete', 'folder-delete']);
    await expect(storage.folders.deleteFolder(rootId)).rejects.toMatchObject({ code: 'KCERR_INVALID_PARAMETER' });
  });

  it('empties a folder (journalled expunges) and reports status', async () => {
    const { folder } = await storage.folders.createFolder({ parentId: rootId, name: 'Full' });
    const { folder: child } = await storage.folders.createFolder({ parentId: folder.id, name: 'Child' });
    await storage.messages.createMessages([
      { folderId: folder.id, mime: mime('1'), flags: MessageFlag.Seen },
      { folderId: folder.id, mime: mime('2') },
      { folderId: child.id, mime: mime('3') },
    ]);
    const [status] = await storage.folders.getFolderStatus([folder.id]);
    expect(status).toMatchObject({ messages: 2, unseen: 1, uidnext: 3, uidvalidity: folder.uidvalidity });
    const emptied = await storage.folders.emptyFolder(folder.id);
    expect(emptied).toMatchObject({ deletedFolderIds: [], deletedMessages: 2 });
    const [after] = await storage.folders.getFolderStatus([folder.id]);
    expect(after).toMatchObject({ messages: 0, unseen: 0, size: 0, uidnext: 3 });
    const journal = await storage.journal.getChanges(storeId, (emptied.changes[0]?.modseq as number) - 1);
    expect(journal.entries.map((e) => [e.kind, e.uid])).toEqual([
      ['message-expunge', 1],
      ['message-expunge', 2],
    ]);
    // uids are never reused after an empty.
    const again = await storage.messages.createMessages([{ folderId: folder.id, mime: mime('4') }]);
    expect(again.results[0]?.ok && again.results[0].uid).toBe(3);
    const withSub = await storage.folders.emptyFolder(folder.id, { subfolders: true });
    expect(withSub).toMatchObject({ deletedFolderIds: [child.id], deletedMessages: 2 });
  });
});
