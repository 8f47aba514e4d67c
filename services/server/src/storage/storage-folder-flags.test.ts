import { KcError } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderRecord } from './folder-types.js';
import { MessageFlag } from './message-flags.js';
import type { CreatedMessage } from './message-types.js';
import type { Storage } from './storage.js';
import { mime, TEST_ENGINES, TestHarness } from './test-harness.js';

describe.each(TEST_ENGINES)('flags by uid ranges (%s)', (engine) => {
  const h = new TestHarness(engine, 'folderflags');
  let storage: Storage;
  let n = 0;

  /** A new user's Inbox with `count` messages (uids 1..count); `init(i)` sets flags/keywords of message i. */
  async function inboxWith(
    count: number,
    init: (i: number) => { flags?: number; keywords?: string[] } = () => ({}),
  ): Promise<{ storeId: number; inbox: FolderRecord; msgs: CreatedMessage[] }> {
    const user = await storage.users.createUser({ loginName: `ff${++n}` });
    const storeId = user.storeId as number;
    const inbox = await storage.folders.findFolderByRole(storeId, 'inbox');
    if (!inbox) throw new Error('no inbox');
    const r = await storage.messages.createMessages(
      Array.from({ length: count }, (_, i) => ({ folderId: inbox.id, mime: mime(`m${i + 1}`), ...init(i + 1) })),
    );
    const msgs = r.results.map((x) => {
      if (!x.ok) throw x.error;
      return x;
    });
    return { storeId, inbox, msgs };
  }

  const byUid = async (msgs: readonly CreatedMessage[]) =>
    new Map((await storage.messages.getMessages(msgs.map((m) => m.id))).map((m) => [m.uid, m]));

  beforeAll(async () => {
    storage = await h.open();
  });
  afterAll(() => h.cleanup());

  it('changes only what changes, by runs across expunged uids, with counters and one journal row per run', async () => {
    const { storeId, inbox, msgs } = await inboxWith(10, (i) => (i === 3 ? { flags: MessageFlag.Seen } : {}));
    await storage.messages.deleteMessages([msgs[4]?.id as number]); // uid 5
    const before = await byUid(msgs);
    const since = (await storage.stores.getStore(storeId)).highestModseq;

    const folderBefore = (await storage.folders.getFolder(inbox.id)).highestModseq;
    const r = await storage.messages.setFolderFlags(inbox.id, [[1, 10]], { add: MessageFlag.Seen });
    expect(r.modseq).toBe(since + 1);
    // The folder's modseq before the change, as read under its lock.
    expect(r.folderModseq).toBe(folderBefore);
    expect(r.changes).toEqual([{ storeId, modseq: since + 1 }]);
    // uid 3 was seen already: it splits the runs; the expunged uid 5 does not.
    expect(r.groups).toEqual([
      {
        flags: MessageFlag.Seen,
        keywords: [],
        runs: [
          [1, 2],
          [4, 10],
        ],
        // The run spans the expunged uid 5; the answer names only messages that changed.
        uids: [1, 2, 4, 6, 7, 8, 9, 10],
      },
    ]);
    const after = await byUid(msgs);
    expect(after.get(3)?.modseq).toBe(before.get(3)?.modseq);
    for (const uid of [1, 2, 4, 6, 7, 8, 9, 10]) {
      expect(after.get(uid)?.flags).toBe(MessageFlag.Seen);
      expect(after.get(uid)?.modseq).toBe(r.modseq);
    }
    const folder = await storage.folders.getFolder(inbox.id);
    expect(folder.unseenCount).toBe(0);
    expect(folder.highestModseq).toBe(r.modseq);

    const journal = await storage.journal.getChanges(storeId, since);
    expect(journal.entries.map((e) => [e.kind, e.uid, e.uidLast, e.messageId])).toEqual([
      ['message-flags', 1, 2, null],
      ['message-flags', 4, 10, null],
    ]);

    // Nothing left to change: no modseq, no journal.
    const again = await storage.messages.setFolderFlags(inbox.id, [[1, 10]], { add: MessageFlag.Seen });
    expect(again).toEqual({ modseq: 0, folderModseq: r.modseq, groups: [], modified: [], changes: [] });
    expect((await storage.stores.getStore(storeId)).highestModseq).toBe(since + 1);
  });

  it('never touches a message between two target ranges, and names single messages in the journal', async () => {
    const { storeId, inbox, msgs } = await inboxWith(3);
    const since = (await storage.stores.getStore(storeId)).highestModseq;
    const r = await storage.messages.setFolderFlags(
      inbox.id,
      [
        [3, 3],
        [1, 1],
      ],
      { add: MessageFlag.Flagged },
    );
    expect(r.groups[0]?.runs).toEqual([
      [1, 1],
      [3, 3],
    ]);
    const after = await byUid(msgs);
    expect([1, 2, 3].map((uid) => after.get(uid)?.flags)).toEqual([MessageFlag.Flagged, 0, MessageFlag.Flagged]);
    const journal = await storage.journal.getChanges(storeId, since);
    expect(journal.entries.map((e) => [e.uid, e.uidLast, e.messageId])).toEqual([
      [1, null, msgs[0]?.id],
      [3, null, msgs[2]?.id],
    ]);
    expect((await storage.folders.getFolder(inbox.id)).unseenCount).toBe(3);
  });

  it('groups by the whole result, keywords included, and applies keyword changes', async () => {
    const { inbox, msgs } = await inboxWith(4, (i) => ({ keywords: i <= 2 ? ['$A'] : ['$B'] }));
    const r = await storage.messages.setFolderFlags(inbox.id, [[1, 4]], { add: MessageFlag.Answered });
    expect(r.groups.map((g) => [g.flags, g.keywords, g.runs])).toEqual([
      [MessageFlag.Answered, ['$A'], [[1, 2]]],
      [MessageFlag.Answered, ['$B'], [[3, 4]]],
    ]);
    const k = await storage.messages.setFolderFlags(inbox.id, [[1, 4]], {
      addKeywords: ['$C'],
      removeKeywords: ['$a'],
    });
    expect(k.groups.map((g) => [g.keywords, g.runs])).toEqual([
      [['$C'], [[1, 2]]],
      [['$B', '$C'], [[3, 4]]],
    ]);
    const after = await byUid(msgs);
    expect([1, 2, 3, 4].map((uid) => after.get(uid)?.keywords)).toEqual([['$C'], ['$C'], ['$B', '$C'], ['$B', '$C']]);
    const replaced = await storage.messages.setFolderFlags(inbox.id, [[2, 3]], { replace: 0, replaceKeywords: [] });
    expect(replaced.groups).toEqual([{ flags: 0, keywords: [], runs: [[2, 3]], uids: [2, 3] }]);
    await expect(storage.messages.setFolderFlags(inbox.id, [[1, 1]], { add: 1 << 20 })).rejects.toThrow(KcError);
  });

  it('refuses messages changed after unchangedSince and changes the others', async () => {
    const { inbox, msgs } = await inboxWith(4);
    const base = msgs[0]?.modseq as number;
    await storage.messages.setFolderFlags(inbox.id, [[2, 2]], { add: MessageFlag.Flagged });
    const r = await storage.messages.setFolderFlags(
      inbox.id,
      [[1, 4]],
      { add: MessageFlag.Seen },
      { unchangedSince: base },
    );
    expect(r.modified).toEqual([2]);
    expect(r.groups[0]?.runs).toEqual([
      [1, 1],
      [3, 4],
    ]);
    expect((await byUid(msgs)).get(2)?.flags).toBe(MessageFlag.Flagged);
  });

  it('skips uids that are not in the folder, and refuses a missing folder', async () => {
    const { inbox } = await inboxWith(2);
    const r = await storage.messages.setFolderFlags(inbox.id, [[100, 4_294_967_295]], { add: MessageFlag.Seen });
    expect(r.groups).toEqual([]);
    await expect(storage.messages.setFolderFlags(99_999_999, [[1, 1]], { add: 1 })).rejects.toMatchObject({
      code: 'KCERR_NOT_FOUND',
    });
  });
});
