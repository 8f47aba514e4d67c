/**
 * The folder metadata cache against a real server: exact after changes made by other sessions
 * (new, flags, expunge, move out and in), and cheap: a refresh with nothing new is one
 * getChanges, and loading pages by uid.
 */
import { type KgcSession, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import { createMailUser, folderOf, makeMessage, putMessage } from '../testing/harness.js';
import { FolderCache, type StoreCall, uidIntervals } from './folder-cache.js';

let server: TestServer;
let admin: KgcSession;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
});
afterAll(async () => {
  await server?.close();
});

async function truth(folderId: number) {
  const r = await admin.call('tableQueryRows', {
    folderId,
    columns: ['uid', 'flags', 'size', 'modseq'],
    sort: [{ column: 'uid', descending: false }],
  });
  return r.rows.map((x) => ({ uid: x.uid, messageId: x.messageId, flags: x.flags, size: x.size }));
}

describe('FolderCache', () => {
  it('stays exact through new, flag, expunge and move changes; idle refresh is one round trip', async () => {
    const u = await createMailUser(admin);
    const inbox = folderOf(u, 'inbox');
    const trash = folderOf(u, 'trash');
    for (let i = 0; i < 5; i++) await putMessage(admin, inbox, makeMessage(`m${i}`));
    const session = await userLogon(server.client, u.username, u.password);
    const calls: string[] = [];
    const inputs: unknown[] = [];
    const call: StoreCall = (name, input) => {
      calls.push(name);
      inputs.push(input);
      return session.call(name, input);
    };
    const cache = new FolderCache(u.storeId, inbox);
    await cache.refresh(call);
    const view = () =>
      cache.messages.map((m) => ({ uid: m.uid, messageId: m.messageId, flags: [...m.flags], size: m.size }));
    expect(view()).toEqual(await truth(inbox));
    const status = await admin.call('getFolderStatus', { folderId: inbox });
    expect(cache.uidValidity).toBe(status.folder.uidValidity);
    expect(cache.uidNext).toBe(status.folder.uidNext);

    calls.length = 0;
    await cache.refresh(call);
    expect(calls).toEqual(['getChanges']);

    const rows = await truth(inbox);
    const ids = rows.map((r) => r.messageId);
    await admin.call('setMessageFlags', {
      folderId: inbox,
      messageIds: [ids[0] ?? 0, ids[2] ?? 0],
      add: ['\\Seen', 'custom'],
      remove: [],
      replace: [],
    });
    await admin.call('deleteObjects', { messageIds: [ids[1] ?? 0] });
    await admin.call('copyObjects', { messageIds: [ids[3] ?? 0], destFolderId: trash, move: true });
    await putMessage(admin, inbox, makeMessage('new'), ['\\Flagged']);
    const back = await putMessage(admin, trash, makeMessage('back'));
    const trashRows = await truth(trash);
    const backId = trashRows.find((r) => r.uid === back)?.messageId ?? 0;
    await admin.call('copyObjects', { messageIds: [backId], destFolderId: inbox, move: true });
    // Added and removed between two refreshes.
    const ghost = await putMessage(admin, inbox, makeMessage('ghost'));
    const ghostId = (await truth(inbox)).find((r) => r.uid === ghost)?.messageId ?? 0;
    await admin.call('deleteObjects', { messageIds: [ghostId] });

    calls.length = 0;
    inputs.length = 0;
    await cache.refresh(call);
    expect(view()).toEqual(await truth(inbox));
    expect(calls).toEqual(['getChanges', 'tableQueryRows']);
    // The rows the journal names (flags on 1 and 3, new 6, moved in 7, the ghost 8), not the folder.
    const [u1, , u3] = rows.map((r) => r.uid);
    expect((inputs[1] as { restriction: { uidRanges: unknown } }).restriction.uidRanges).toEqual([
      { from: u1, to: u1 },
      { from: u3, to: u3 },
      { from: (rows[4]?.uid ?? 0) + 1, to: ghost },
    ]);
    const after = await admin.call('getFolderStatus', { folderId: inbox });
    expect(cache.uidNext).toBe(after.folder.uidNext);
    expect(cache.highestModseq).toBe(after.folder.highestModseq);
    const statusView = cache.statusOf({ ...after.folder, parentId: undefined, specialUse: 'inbox' });
    expect(statusView.messages).toBe(after.folder.messages);
    expect(statusView.unseen).toBe(after.folder.unseen);
  });

  it('refreshes asked for while one runs share one follow-up', async () => {
    const u = await createMailUser(admin);
    const inbox = folderOf(u, 'inbox');
    await putMessage(admin, inbox, makeMessage('a'));
    const session = await userLogon(server.client, u.username, u.password);
    const calls: string[] = [];
    const inputs: unknown[] = [];
    const call: StoreCall = (name, input) => {
      calls.push(name);
      inputs.push(input);
      return session.call(name, input);
    };
    const cache = new FolderCache(u.storeId, inbox);
    await cache.refresh(call);
    calls.length = 0;
    await putMessage(admin, inbox, makeMessage('b'));
    await Promise.all([cache.refresh(call), cache.refresh(call), cache.refresh(call), cache.refresh(call)]);
    expect(cache.messages).toHaveLength(2);
    expect(calls.filter((c) => c === 'getChanges')).toHaveLength(2);
  });

  it('takes an expunge of a uid range whole, and reads the folder again for one that names no uid', async () => {
    const u = await createMailUser(admin);
    const inbox = folderOf(u, 'inbox');
    for (let i = 0; i < 6; i++) await putMessage(admin, inbox, makeMessage(`m${i}`));
    const session = await userLogon(server.client, u.username, u.password);
    // The server journals one expunge per message; these wrappers give the cache what a server
    // that journals ranges, or an expunge without its uid, would.
    type Change = Awaited<ReturnType<StoreCall>> & { changes?: Array<Record<string, unknown>> };
    const rewrite =
      (edit: (changes: Array<Record<string, unknown>>) => Array<Record<string, unknown>>): StoreCall =>
      async (name, input) => {
        const r = (await session.call(name, input)) as Change;
        if (name === 'getChanges' && r.changes) r.changes = edit(r.changes);
        return r as never;
      };
    const asRange = rewrite((changes) => {
      const gone = changes.filter((c) => c.kind === 'message-expunge');
      const rest = changes.filter((c) => c.kind !== 'message-expunge');
      const uids = gone.map((c) => Number(c.uid)).sort((a, b) => a - b);
      if (uids.length === 0) return changes;
      return [...rest, { ...gone[0], uid: uids[0], uidLast: uids[uids.length - 1] }];
    });
    const cache = new FolderCache(u.storeId, inbox);
    await cache.refresh(asRange);
    const rows = await truth(inbox);
    await admin.call('deleteObjects', { messageIds: [rows[1], rows[2], rows[3]].map((r) => r?.messageId ?? 0) });
    await cache.refresh(asRange);
    expect(cache.messages.map((m) => m.uid)).toEqual((await truth(inbox)).map((r) => r.uid));

    const calls: string[] = [];
    const noUid = rewrite((changes) =>
      changes.map((c) => (c.kind === 'message-expunge' ? { ...c, uid: undefined, uidLast: undefined } : c)),
    );
    const counting: StoreCall = (name, input) => {
      calls.push(name);
      return noUid(name, input);
    };
    await admin.call('deleteObjects', { messageIds: [rows[4]?.messageId ?? 0] });
    await cache.refresh(counting);
    expect(calls).toEqual(['getChanges', 'getFolderStatus', 'tableQueryRows']);
    expect(cache.messages.map((m) => m.uid)).toEqual((await truth(inbox)).map((r) => r.uid));
    expect(cache.messages).toHaveLength(2);
  });

  it('merges the journal uid intervals, and gives up on them past REFRESH_UID_INTERVALS', () => {
    const cases: Array<[Array<[number, number]>, Array<[number, number]> | undefined]> = [
      [[], []],
      [[[5, 5]], [[5, 5]]],
      [
        [
          [7, 9],
          [1, 1],
          [2, 3],
        ],
        [
          [1, 3],
          [7, 9],
        ],
      ],
      [
        [
          [1, 10],
          [3, 4],
          [10, 12],
          [14, 14],
        ],
        [
          [1, 12],
          [14, 14],
        ],
      ],
      [
        [
          [4, 4],
          [4, 4],
          [5, 5],
        ],
        [[4, 5]],
      ],
      [
        Array.from({ length: 500 }, (_, i): [number, number] => [i * 2 + 1, i * 2 + 1]),
        Array.from({ length: 500 }, (_, i): [number, number] => [i * 2 + 1, i * 2 + 1]),
      ],
      [Array.from({ length: 501 }, (_, i): [number, number] => [i * 2 + 1, i * 2 + 1]), undefined],
      [Array.from({ length: 5000 }, (_, i): [number, number] => [i + 1, i + 1]), [[1, 5000]]],
    ];
    for (const [input, expected] of cases) expect(uidIntervals(input)).toEqual(expected);
  });
});
