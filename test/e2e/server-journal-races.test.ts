/**
 * Writers racing on one message: whatever order their transactions commit in, the change journal
 * names the message where its row is, with the row's modseq, and the folder's highest modseq
 * covers it (a sync client, like the gateway's folder cache, reads exactly that). On MariaDB the
 * two transactions interleave; SQLite runs them one after the other.
 */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { describeEngines, mail, newUser, type TestUser } from './helpers.js';

const ROUNDS = 100;

describeEngines('journal under racing writers', (engine) => {
  let t: TestServer;
  let admin: KgcSession;
  let u: TestUser;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    admin = await t.admin();
    u = await newUser(t, admin);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('setProps racing a move in the same store is journaled in the folder the message is in', async () => {
    const inbox = u.folder('inbox');
    const trash = u.folder('trash');
    for (let i = 0; i < ROUNDS; i++) {
      const { messageId } = await admin.call('createMessage', {
        folderId: inbox,
        raw: mail({ subject: `race ${i}` }),
        flags: [],
        props: [],
      });
      const [moved, props] = await Promise.allSettled([
        admin.call('copyObjects', { messageIds: [messageId], destFolderId: trash, move: true }),
        admin.call('setProps', { messageId, props: [{ name: 'x', type: 'int', value: String(i) }] }),
      ]);
      expect(moved.status).toBe('fulfilled');
      expect(props.status).toBe('fulfilled');
      const row = (
        await admin.call('tableQueryRows', { folderId: trash, columns: ['uid', 'modseq'], sort: [] })
      ).rows.find((r) => r.messageId === messageId);
      if (!row?.modseq) throw new Error(`round ${i}: the moved message is not in the trash`);
      const { folder } = await admin.call('getFolderStatus', { folderId: trash });
      expect(folder.highestModseq, `round ${i}`).toBeGreaterThanOrEqual(row.modseq);
      const { changes } = await admin.call('getChanges', {
        storeId: u.storeId,
        folderId: trash,
        sinceModseq: row.modseq - 1,
      });
      const names = changes.filter(
        (c) =>
          c.modseq === row.modseq &&
          c.folderId === trash &&
          c.uid !== undefined &&
          c.uid <= row.uid &&
          row.uid <= (c.uidLast ?? c.uid),
      );
      expect(names.length, `round ${i}: no journal entry names uid ${row.uid} at modseq ${row.modseq}`).toBe(1);
    }
  }, 60_000);
});
