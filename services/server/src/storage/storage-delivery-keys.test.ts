import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedMessage, CreateMessagesResult } from './message-types.js';
import type { Storage } from './storage.js';
import { mime, TEST_ENGINES, TestHarness } from './test-harness.js';

function ok(r: CreateMessagesResult): CreatedMessage[] {
  return r.results.map((x) => {
    if (!x.ok) throw x.error;
    return x;
  });
}

describe.each(TEST_ENGINES)('delivery keys (%s)', (engine) => {
  const h = new TestHarness(engine, 'dkeys');
  let storage: Storage;
  let n = 0;

  async function inboxOf(): Promise<{ storeId: number; inbox: number; junk: number }> {
    const user = await storage.users.createUser({ loginName: `dk${++n}` });
    const storeId = user.storeId as number;
    const inbox = await storage.folders.findFolderByRole(storeId, 'inbox');
    const junk = await storage.folders.findFolderByRole(storeId, 'junk');
    if (!inbox || !junk) throw new Error('default folders missing');
    return { storeId, inbox: inbox.id, junk: junk.id };
  }

  async function count(folderId: number): Promise<number> {
    return (await storage.messages.queryContents({ folderId, columns: ['flags'] })).length;
  }

  beforeAll(async () => {
    storage = await h.open();
  });
  afterAll(() => h.cleanup());

  it('a key its store already holds returns the stored message and creates nothing', async () => {
    const a = await inboxOf();
    const b = await inboxOf();
    const raw = mime('keyed');
    const [first, other] = ok(
      await storage.messages.createMessages([
        { folderId: a.inbox, mime: raw, deliveryKey: 'k1' },
        { folderId: b.inbox, mime: raw, deliveryKey: 'k1' },
      ]),
    );
    expect(first?.existing).toBeUndefined();
    expect(other?.existing).toBeUndefined();
    // The retry, even into another folder of the store: the same message, no change announced.
    const again = await storage.messages.createMessages([
      { folderId: a.junk, mime: raw, deliveryKey: 'k1' },
      { folderId: b.inbox, mime: raw, deliveryKey: 'k2' },
    ]);
    const [dup, fresh] = ok(again);
    expect(dup).toEqual({ ...first, existing: true });
    expect(fresh?.existing).toBeUndefined();
    expect(again.changes.map((c) => c.storeId)).toEqual([b.storeId]);
    expect(await count(a.inbox)).toBe(1);
    expect(await count(a.junk)).toBe(0);
    expect(await count(b.inbox)).toBe(2);
    expect((await storage.stores.getStore(a.storeId)).size).toBe(raw.length);
  });

  it('a key given twice in one call is stored once; without a key nothing is deduplicated', async () => {
    const a = await inboxOf();
    const raw = mime('twice');
    const [x, y, z] = ok(
      await storage.messages.createMessages([
        { folderId: a.inbox, mime: raw, deliveryKey: 'same' },
        { folderId: a.inbox, mime: raw, deliveryKey: 'same' },
        { folderId: a.inbox, mime: raw },
      ]),
    );
    expect(y).toEqual({ ...x, existing: true });
    expect(z?.id).not.toBe(x?.id);
    expect(await count(a.inbox)).toBe(2);
  });

  it('deleting the message frees its key; a retry at hard quota still finds the stored message', async () => {
    const a = await inboxOf();
    const [m] = ok(await storage.messages.createMessages([{ folderId: a.inbox, mime: mime('del'), deliveryKey: 'd' }]));
    await storage.messages.deleteMessages([m?.id as number]);
    const [again] = ok(
      await storage.messages.createMessages([{ folderId: a.inbox, mime: mime('del'), deliveryKey: 'd' }]),
    );
    expect(again?.existing).toBeUndefined();
    expect(again?.id).not.toBe(m?.id);
    const user = await storage.users.createUser({ loginName: `dkq${++n}` });
    const storeId = user.storeId as number;
    const inbox = (await storage.folders.findFolderByRole(storeId, 'inbox'))?.id as number;
    await storage.users.setUserQuota(user.id, { override: true, warn: 0, soft: 0, hard: 10 });
    const [stored] = ok(
      await storage.messages.createMessages([{ folderId: inbox, mime: mime('q'), deliveryKey: 'q' }]),
    );
    const retry = await storage.messages.createMessages([{ folderId: inbox, mime: mime('q'), deliveryKey: 'q' }]);
    expect(retry.results[0]).toEqual({ ...stored, existing: true });
    const fresh = await storage.messages.createMessages([{ folderId: inbox, mime: mime('q2'), deliveryKey: 'q2' }]);
    expect(fresh.results[0]?.ok).toBe(false);
  });

  it('refuses an empty or over-long key', async () => {
    const a = await inboxOf();
    for (const deliveryKey of ['', 'x'.repeat(65)])
      await expect(
        storage.messages.createMessages([{ folderId: a.inbox, mime: mime('k'), deliveryKey }]),
      ).rejects.toMatchObject({
        code: 'KCERR_INVALID_PARAMETER',
      });
  });
});
