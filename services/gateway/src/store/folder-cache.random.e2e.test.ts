/**
 * The folder cache against seeded random changes made by another session (new messages, flags by
 * uids and by ids, keywords, deletes, moves and copies in and out), refreshed every few of them
 * and compared with the server each time. Small pages and a small interval limit make every
 * refresh path run: paged journal, paged rows, uid intervals and the fallback by modseq.
 */
import { type KgcSession, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import { createMailUser, folderOf, makeMessage, putMessage } from '../testing/harness.js';
import { FolderCache, type StoreCall } from './folder-cache.js';

vi.mock('../limits.js', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  TABLE_PAGE: 7,
  CHANGES_PAGE: 3,
  REFRESH_UID_INTERVALS: 4,
}));

const FLAGS = ['\\Seen', '\\Flagged', '\\Answered', '\\Deleted', 'kw1', '$Forwarded'];

let server: TestServer;
let admin: KgcSession;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
});
afterAll(async () => {
  await server?.close();
});

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function truth(folderId: number) {
  const r = await admin.call('tableQueryRows', {
    folderId,
    columns: ['uid', 'flags', 'size', 'modseq'],
    sort: [{ column: 'uid', descending: false }],
  });
  return r.rows.map((x) => ({
    uid: x.uid,
    messageId: x.messageId,
    flags: [...x.flags],
    size: x.size,
    modseq: x.modseq,
  }));
}

describe('FolderCache under random changes', () => {
  it.each([11, 22, 33])(
    'seed %i: exact after every refresh',
    async (seed) => {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
      const u = await createMailUser(admin);
      const inbox = folderOf(u, 'inbox');
      const trash = folderOf(u, 'trash');
      for (let i = 0; i < 40; i++) await putMessage(admin, inbox, makeMessage(`m${i}`), r() < 0.3 ? ['\\Seen'] : []);
      const session = await userLogon(server.client, u.username, u.password);
      const call: StoreCall = (name, input) => session.call(name, input);
      const cache = new FolderCache(u.storeId, inbox);
      await cache.refresh(call);
      const someFlags = () => FLAGS.filter(() => r() < 0.3);
      for (let op = 0; op < 120; op++) {
        const rows = await truth(inbox);
        const k = r();
        if (k < 0.15 || rows.length < 3) {
          await putMessage(admin, pick([inbox, inbox, trash]), makeMessage(`n${op}`), someFlags());
        } else if (k < 0.45) {
          const uids = Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(rows).uid);
          const flags = someFlags();
          await admin.call('setMessageFlags', {
            folderId: inbox,
            messageIds: [],
            uids: uids.join(','),
            add: r() < 0.5 ? flags : [],
            remove: r() < 0.5 ? [] : flags,
            replace: [],
          });
        } else if (k < 0.6) {
          const ids = [...new Set(Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(rows).messageId))];
          await admin.call('setMessageFlags', {
            folderId: inbox,
            messageIds: ids,
            add: [],
            remove: [],
            replace: someFlags(),
          });
        } else if (k < 0.75) {
          await admin.call('deleteObjects', { messageIds: [pick(rows).messageId] });
        } else if (k < 0.9) {
          await admin.call('copyObjects', { messageIds: [pick(rows).messageId], destFolderId: trash, move: r() < 0.7 });
        } else {
          const back = await truth(trash);
          if (back.length > 0)
            await admin.call('copyObjects', {
              messageIds: [pick(back).messageId],
              destFolderId: inbox,
              move: r() < 0.5,
            });
        }
        if (r() < 0.35) {
          await cache.refresh(call);
          const view = cache.messages.map((m) => ({
            uid: m.uid,
            messageId: m.messageId,
            flags: [...m.flags],
            size: m.size,
            modseq: m.modseq,
          }));
          expect(view, `seed ${seed}, operation ${op}`).toEqual(await truth(inbox));
          const { folder } = await admin.call('getFolderStatus', { folderId: inbox });
          expect(cache.uidNext).toBe(folder.uidNext);
          expect(cache.highestModseq).toBe(folder.highestModseq);
        }
      }
    },
    60_000,
  );
});
