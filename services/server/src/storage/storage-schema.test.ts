import { KcError } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FOLDERS } from './folder-types.js';
import type { Storage } from './storage.js';
import { TEST_ENGINES, TestHarness } from './test-harness.js';

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
