/** Quota (KGC §4): levels, what hard and soft block, server defaults; on SQLite and MariaDB. */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { describeEngines, expectCode, mail, newUser, put, type TestUser, uniq } from './helpers.js';

const MB = 1024 * 1024;

describeEngines('server quota', (engine) => {
  let t: TestServer;
  let admin: KgcSession;
  let q: TestUser;
  let other: TestUser;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    admin = await t.admin();
    [q, other] = await Promise.all([newUser(t, admin), newUser(t, admin)]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const status = async (u: TestUser) => (await admin.call('GetQuotaStatus', { username: u.username })).status;

  it('SetQuota / GetQuota / GetQuotaStatus: exact limits and levels ok → warn → soft → hard, and back on delete', async () => {
    expect((await admin.call('GetQuota', { username: q.username })).quota).toEqual({
      override: false,
      warn: 0,
      soft: 0,
      hard: 0,
    });
    expect(await status(q)).toEqual({ size: 0, warn: 0, soft: 0, hard: 0, level: 'ok' });
    const raw = mail({ subject: 'quota', body: 'q'.repeat(1000) });
    const S = raw.length;
    await admin.call('SetQuota', {
      username: q.username,
      quota: { override: true, warn: S, soft: 2 * S, hard: 3 * S },
    });
    expect((await admin.call('GetQuota', { username: q.username })).quota).toEqual({
      override: true,
      warn: S,
      soft: 2 * S,
      hard: 3 * S,
    });
    expect((await admin.call('getUser', { username: q.username })).user.quota).toEqual({
      override: true,
      warn: S,
      soft: 2 * S,
      hard: 3 * S,
    });
    const limits = { warn: S, soft: 2 * S, hard: 3 * S };
    expect(await status(q)).toEqual({ size: 0, ...limits, level: 'ok' });
    const outbox = q.folder('outbox');
    const m1 = await put(q.session, outbox, raw);
    expect(await status(q)).toEqual({ size: S, ...limits, level: 'warn' });
    // The user sees their own status (no username) and settings.
    expect((await q.session.call('GetQuotaStatus', {})).status).toEqual({ size: S, ...limits, level: 'warn' });
    expect((await q.session.call('GetQuota', { username: q.username })).quota.hard).toBe(3 * S);
    // Warn does not stop sending.
    expect((await q.session.call('submitMessage', { messageId: m1.messageId })).queueId).toBeGreaterThan(0);
    const m2 = await put(q.session, outbox, raw);
    expect(await status(q)).toEqual({ size: 2 * S, ...limits, level: 'soft' });
    // Soft: cannot send, can still save.
    await expectCode(q.session.call('submitMessage', { messageId: m2.messageId }), 'KCERR_STORE_FULL');
    const m3 = await put(q.session, q.folder('drafts'), raw);
    expect(await status(q)).toEqual({ size: 3 * S, ...limits, level: 'hard' });
    // Hard: cannot send, save, copy in, or receive.
    await expectCode(q.session.call('submitMessage', { messageId: m3.messageId }), 'KCERR_STORE_FULL');
    await expectCode(put(q.session, q.folder('inbox'), mail()), 'KCERR_STORE_FULL');
    await expectCode(
      q.session.call('createMessage', {
        folderId: q.folder('inbox'),
        flags: [],
        props: [{ name: 'p', type: 'int', value: '1' }],
      }),
      'KCERR_STORE_FULL',
    );
    await expectCode(
      q.session.call('copyObjects', { messageIds: [m3.messageId], destFolderId: q.folder('inbox'), move: false }),
      'KCERR_STORE_FULL',
    );
    const delivered = await admin.call('deliverMessage', {
      raw: mail(),
      targets: [{ folderId: q.folder('inbox'), flags: [] }],
    });
    expect(delivered.results).toEqual([{ folderId: q.folder('inbox'), error: 'KCERR_STORE_FULL' }]);
    // A move inside the store does not grow it.
    await q.session.call('copyObjects', { messageIds: [m3.messageId], destFolderId: q.folder('inbox'), move: true });
    expect(await status(q)).toEqual({ size: 3 * S, ...limits, level: 'hard' });
    // Flags still change, and deleting brings the level down.
    await q.session.call('setMessageFlags', {
      folderId: outbox,
      messageIds: [m2.messageId],
      add: ['\\Seen'],
      remove: [],
      replace: [],
    });
    await q.session.call('deleteObjects', { messageIds: [m2.messageId] });
    expect(await status(q)).toEqual({ size: 2 * S, ...limits, level: 'soft' });
    expect((await q.session.call('getStore', {})).store.size).toBe(2 * S);
    // Back to the server defaults (none here).
    await admin.call('SetQuota', { username: q.username, quota: { override: false, warn: 0, soft: 0, hard: 0 } });
    expect(await status(q)).toEqual({ size: 2 * S, warn: 0, soft: 0, hard: 0, level: 'ok' });
  });

  it('hard quota blocks copy and move INTO the store from another store (service session)', async () => {
    const filler = await put(other.session, other.folder('drafts'), mail());
    await admin.call('SetQuota', { username: other.username, quota: { override: true, warn: 0, soft: 0, hard: 1 } });
    expect((await status(other)).level).toBe('hard');
    const src = await put(admin, q.folder('inbox'), mail({ subject: 'from q' }));
    const sizeBefore = (await status(other)).size;
    for (const move of [false, true]) {
      await expectCode(
        admin.call('copyObjects', { messageIds: [src.messageId], destFolderId: other.folder('inbox'), move }),
        'KCERR_STORE_FULL',
      );
    }
    expect((await status(other)).size).toBe(sizeBefore);
    expect((await admin.call('loadObject', { messageId: src.messageId, sections: [] })).message.folderId).toBe(
      q.folder('inbox'),
    );
    // Out of the full store is fine, and so is deleting.
    const out = await admin.call('copyObjects', {
      messageIds: [filler.messageId],
      destFolderId: q.folder('inbox'),
      move: true,
    });
    expect(out.results).toHaveLength(1);
    expect(await status(other)).toMatchObject({ size: 0, level: 'ok' });
  });

  it('SetQuota needs an administrator and non-negative limits; unknown users are KCERR_NOT_FOUND', async () => {
    await expectCode(
      q.session.call('SetQuota', { username: q.username, quota: { override: true, warn: 0, soft: 0, hard: 0 } }),
      'KCERR_NO_ACCESS',
    );
    await expectCode(
      admin.call('SetQuota', { username: q.username, quota: { override: true, warn: -1, soft: 0, hard: 0 } }),
      'KCERR_INVALID_PARAMETER',
    );
    await expectCode(
      admin.call('SetQuota', { username: uniq('nobody'), quota: { override: true, warn: 0, soft: 0, hard: 0 } }),
      'KCERR_NOT_FOUND',
    );
    await expectCode(admin.call('GetQuota', { username: uniq('nobody') }), 'KCERR_NOT_FOUND');
    await expectCode(q.session.call('GetQuotaStatus', { username: other.username }), 'KCERR_NO_ACCESS');
    await expectCode(admin.call('GetQuotaStatus', {}), 'KCERR_INVALID_PARAMETER');
  });
});

describeEngines('server quota defaults from server.cfg', (engine) => {
  let t: TestServer;
  let admin: KgcSession;
  beforeAll(async () => {
    t = await startTestServer({ engine, settings: { KGC_QUOTA_WARN: '1', KGC_QUOTA_SOFT: '2', KGC_QUOTA_HARD: '3' } });
    admin = await t.admin();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('quota_warn/soft/hard (MB) apply to users without an override; an override wins, even all zero', async () => {
    const [d, free] = await Promise.all([newUser(t, admin), newUser(t, admin)]);
    const defaults = { warn: MB, soft: 2 * MB, hard: 3 * MB };
    expect((await admin.call('GetQuota', { username: d.username })).quota).toEqual({
      override: false,
      warn: 0,
      soft: 0,
      hard: 0,
    });
    expect((await admin.call('GetQuotaStatus', { username: d.username })).status).toEqual({
      size: 0,
      ...defaults,
      level: 'ok',
    });
    const big = mail({ body: 'x'.repeat(1.1 * MB) });
    const levels = [];
    for (let i = 0; i < 3; i++) {
      await put(d.session, d.folder('inbox'), big);
      levels.push((await admin.call('GetQuotaStatus', { username: d.username })).status);
    }
    expect(levels).toEqual([
      { size: big.length, ...defaults, level: 'warn' },
      { size: 2 * big.length, ...defaults, level: 'soft' },
      { size: 3 * big.length, ...defaults, level: 'hard' },
    ]);
    await expectCode(put(d.session, d.folder('inbox'), mail()), 'KCERR_STORE_FULL');
    await admin.call('SetQuota', { username: free.username, quota: { override: true, warn: 0, soft: 0, hard: 0 } });
    await put(free.session, free.folder('inbox'), big);
    await put(free.session, free.folder('inbox'), big);
    await put(free.session, free.folder('inbox'), big);
    expect((await admin.call('GetQuotaStatus', { username: free.username })).status).toEqual({
      size: 3 * big.length,
      warn: 0,
      soft: 0,
      hard: 0,
      level: 'ok',
    });
    expect((await put(free.session, free.folder('inbox'), mail())).uid).toBe(4);
  });
});
