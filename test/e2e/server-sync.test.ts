/** Change journal (getChanges) and the long poll (notifyGetItems); on SQLite and MariaDB. */
import type { KgcSession, Output } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { describeEngines, expectCode, mail, newUser, put, type TestUser } from './helpers.js';

type Change = Output<'getChanges'>['changes'][number];

describeEngines('server sync', (engine) => {
  let t: TestServer;
  let admin: KgcSession;
  let y: TestUser;
  let other: TestUser;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    admin = await t.admin();
    [y, other] = await Promise.all([newUser(t, admin), newUser(t, admin)]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const highest = async () => (await y.session.call('getStore', {})).store.highestModseq;
  const changes = (sinceModseq: number, extra: { folderId?: number; limit?: number } = {}) =>
    y.session.call('getChanges', { storeId: y.storeId, sinceModseq, ...extra });

  it('since 0: the store creation journalled every default folder at modseq 1', async () => {
    const r = await changes(0);
    expect(r).toMatchObject({ highestModseq: 1, more: false, truncated: false });
    const ids = y.folders.map((f) => f.folderId).sort((p, q) => p - q);
    expect(r.changes).toEqual(ids.map((folderId) => ({ modseq: 1, kind: 'folder-new', folderId })));
  });

  describe('after a sequence of operations', () => {
    let h0: number;
    let expected: Change[];
    let folderId: number;
    beforeAll(async () => {
      const s = y.session;
      h0 = await highest();
      expected = [];
      folderId = (await s.call('createFolder', { storeId: y.storeId, name: 'Synced' })).folder.folderId;
      expected.push({ modseq: await highest(), kind: 'folder-new', folderId });
      const m1 = await put(s, folderId, mail());
      expected.push({ modseq: m1.modseq, kind: 'message-new', folderId, messageId: m1.messageId, uid: 1 });
      const m2 = await put(s, y.folder('inbox'), mail());
      expected.push({
        modseq: m2.modseq,
        kind: 'message-new',
        folderId: y.folder('inbox'),
        messageId: m2.messageId,
        uid: 1,
      });
      const f = await s.call('setMessageFlags', {
        folderId,
        messageIds: [m1.messageId],
        add: ['\\Seen'],
        remove: [],
        replace: [],
      });
      expected.push({ modseq: f.modseq, kind: 'message-flags', folderId, messageId: m1.messageId, uid: 1 });
      await s.call('copyFolder', { folderId, newName: 'Synced2' });
      expected.push({ modseq: await highest(), kind: 'folder-change', folderId });
      const d = await s.call('deleteObjects', { messageIds: [m1.messageId] });
      expected.push({ modseq: d.modseq, kind: 'message-expunge', folderId, messageId: m1.messageId, uid: 1 });
      const mv = await s.call('copyObjects', { messageIds: [m2.messageId], destFolderId: folderId, move: true });
      const mvModseq = await highest();
      const moved = mv.results[0];
      expected.push(
        { modseq: mvModseq, kind: 'message-expunge', folderId: y.folder('inbox'), messageId: m2.messageId, uid: 1 },
        { modseq: mvModseq, kind: 'message-new', folderId, messageId: moved?.messageId, uid: moved?.uid },
      );
      await s.call('deleteFolder', { folderId });
      expected.push({ modseq: await highest(), kind: 'folder-delete', folderId });
    });

    it('getChanges lists the journal in modseq order with the exact entries', async () => {
      const r = await changes(h0);
      const sortedByKind = (list: Change[]) =>
        [...list].sort((p, q) => p.modseq - q.modseq || p.kind.localeCompare(q.kind));
      expect(sortedByKind(r.changes)).toEqual(sortedByKind(expected));
      expect(r.changes.map((c) => c.modseq)).toEqual(expected.map((c) => c.modseq));
      expect(new Set(expected.map((c) => c.modseq)).size).toBe(expected.length - 1);
      expect(r).toMatchObject({ highestModseq: expected.at(-1)?.modseq, more: false, truncated: false });
      expect((await changes(r.highestModseq)).changes).toEqual([]);
      expect((await changes(r.highestModseq + 100)).changes).toEqual([]);
    });

    it('per folder: only that folder’s entries', async () => {
      const r = await changes(h0, { folderId: y.folder('inbox') });
      expect(r.changes).toEqual(expected.filter((c) => c.folderId === y.folder('inbox')));
      expect(r.changes.map((c) => c.kind)).toEqual(['message-new', 'message-expunge']);
    });

    it('pages with limit and more; one operation (one modseq) is never split', async () => {
      const pages: Change[][] = [];
      let since = h0;
      for (let i = 0; i < 20; i++) {
        const r = await changes(since, { limit: 1 });
        pages.push(r.changes);
        expect(new Set(r.changes.map((c) => c.modseq)).size).toBe(1);
        if (!r.more) break;
        since = r.changes.at(-1)?.modseq ?? since;
      }
      expect(pages.flat().map((c) => c.modseq)).toEqual(expected.map((c) => c.modseq));
      expect(pages.map((p) => p.length)).toEqual([1, 1, 1, 1, 1, 1, 2, 1]);
      const two = await changes(h0, { limit: 2 });
      expect(two.more).toBe(true);
      expect(two.changes).toEqual(expected.slice(0, 2));
      await expectCode(changes(h0, { limit: -1 }), 'KCERR_INVALID_PARAMETER');
      await expectCode(changes(h0, { limit: 0 }), 'KCERR_INVALID_PARAMETER');
    });

    it('notifyGetItems returns at once when there are changes', async () => {
      const started = Date.now();
      const r = await y.session.call('notifyGetItems', { storeId: y.storeId, sinceModseq: h0, timeoutSeconds: 30 });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(r.changes.map((c) => c.modseq)).toEqual(expected.map((c) => c.modseq));
      expect(r.more).toBe(false);
    });
  });

  it('a parked notifyGetItems returns within about a second after another session changes the store', async () => {
    const since = await highest();
    const started = Date.now();
    const parked = y.session.call('notifyGetItems', { storeId: y.storeId, sinceModseq: since, timeoutSeconds: 20 });
    await new Promise((r) => setTimeout(r, 300));
    const changedAt = Date.now();
    const delivered = await admin.call('deliverMessage', {
      raw: mail(),
      targets: [{ folderId: y.folder('inbox'), flags: [] }],
    });
    const r = await parked;
    const done = Date.now();
    expect(done - changedAt).toBeLessThan(1_500);
    expect(done - started).toBeGreaterThanOrEqual(300);
    const d = delivered.results[0];
    expect(r.changes).toEqual([
      { modseq: d?.modseq, kind: 'message-new', folderId: y.folder('inbox'), messageId: d?.messageId, uid: d?.uid },
    ]);
    expect(r.highestModseq).toBe(d?.modseq);
  });

  it('with no change it returns empty after timeoutSeconds; other stores’ changes do not wake it', async () => {
    const since = await highest();
    const started = Date.now();
    const parked = y.session.call('notifyGetItems', { storeId: y.storeId, sinceModseq: since, timeoutSeconds: 1 });
    await put(other.session, other.folder('inbox'), mail());
    const r = await parked;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(3_000);
    expect(r).toEqual({ highestModseq: since, changes: [], more: false, truncated: false });
    const at0 = Date.now();
    expect(
      (await y.session.call('notifyGetItems', { storeId: y.storeId, sinceModseq: since, timeoutSeconds: 0 })).changes,
    ).toEqual([]);
    expect(Date.now() - at0).toBeLessThan(1_000);
    await expectCode(
      y.session.call('notifyGetItems', { storeId: y.storeId, sinceModseq: since, timeoutSeconds: 61 }),
      'KCERR_INVALID_PARAMETER',
    );
  });
});

describeEngines('server sync: journal retention', (engine) => {
  it('prunes journal entries older than journal_retention; older cursors get truncated', async () => {
    const t = await startTestServer({ engine, settings: { KGC_JOURNAL_RETENTION: '2s' } });
    try {
      const admin = await t.admin();
      const u = await newUser(t, admin);
      const inbox = u.folder('inbox');
      const first = await put(u.session, inbox, mail({ subject: 'old' }));
      expect((await u.session.call('getChanges', { storeId: u.storeId, sinceModseq: 0 })).truncated).toBe(false);
      // Pruned within a retention period (checked every retention/4).
      let r = await u.session.call('getChanges', { storeId: u.storeId, sinceModseq: 0 });
      for (let i = 0; i < 100 && !r.truncated; i++) {
        await new Promise((res) => setTimeout(res, 100));
        r = await u.session.call('getChanges', { storeId: u.storeId, sinceModseq: 0 });
      }
      expect(r.truncated).toBe(true);
      // A cursor at the newest modseq still works, and new entries are journalled as before.
      const second = await put(u.session, inbox, mail({ subject: 'new' }));
      const since = await u.session.call('getChanges', { storeId: u.storeId, sinceModseq: first.modseq });
      expect(since.truncated).toBe(false);
      expect(since.changes).toContainEqual(expect.objectContaining({ kind: 'message-new', uid: second.uid }));
    } finally {
      await t.close();
    }
  });
});
