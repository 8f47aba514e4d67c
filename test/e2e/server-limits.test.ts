/** The server's fixed limits (services/server/src/limits.ts) and configured ones, each refused clearly. */
import { userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_CLAIM,
  MAX_DEFER_SECONDS,
  MAX_LEASE_SECONDS,
  MAX_SESSION_ID,
  MAX_TABLE_ROWS,
} from '../../services/server/src/limits.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('server limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ settings: { KGC_NOTIFY_MAX_WAIT: '2s' } });
    const admin = await t.admin();
    await admin.call('createUser', { user: { username: 'lim', password: 'pw', fullName: 'lim', aliases: [] } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('tableQueryRows: limit above MAX_TABLE_ROWS and negative offsets are refused', async () => {
    const s = await userLogon(t.client, 'lim', 'pw');
    const { store } = await s.call('getStore', {});
    const { folders } = await s.call('getHierarchy', { storeId: store.storeId });
    const folderId = folders[0]?.folderId ?? 0;
    await expect(
      s.call('tableQueryRows', { folderId, columns: [], sort: [], limit: MAX_TABLE_ROWS + 1 }),
    ).rejects.toMatchObject({ code: 'KCERR_INVALID_PARAMETER' });
    await expect(s.call('tableQueryRows', { folderId, columns: [], sort: [], offset: -1 })).rejects.toMatchObject({
      code: 'KCERR_INVALID_PARAMETER',
    });
    const ok = await s.call('tableQueryRows', { folderId, columns: [], sort: [], limit: MAX_TABLE_ROWS });
    expect(ok.total).toBe(0);
  });

  it('notifyGetItems: a wait above notify_max_wait is refused; the configured maximum is honoured', async () => {
    const s = await userLogon(t.client, 'lim', 'pw');
    const { store } = await s.call('getStore', {});
    await expect(
      s.call('notifyGetItems', { storeId: store.storeId, sinceModseq: store.highestModseq, timeoutSeconds: 3 }),
    ).rejects.toMatchObject({ code: 'KCERR_INVALID_PARAMETER' });
    const started = Date.now();
    const r = await s.call('notifyGetItems', { storeId: store.storeId, sinceModseq: store.highestModseq });
    expect(r.changes).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('claimOutgoing and deferMessage bounds', async () => {
    const admin = await t.admin();
    for (const max of [0, MAX_CLAIM + 1]) {
      await expect(admin.call('claimOutgoing', { owner: 'x', max, leaseSeconds: 30 })).rejects.toMatchObject({
        code: 'KCERR_INVALID_PARAMETER',
      });
    }
    await expect(
      admin.call('claimOutgoing', { owner: 'x', max: 1, leaseSeconds: MAX_LEASE_SECONDS + 1 }),
    ).rejects.toMatchObject({ code: 'KCERR_INVALID_PARAMETER' });
    await expect(
      admin.call('deferMessage', { queueId: 1, owner: 'x', delaySeconds: MAX_DEFER_SECONDS + 1 }),
    ).rejects.toMatchObject({ code: 'KCERR_INVALID_PARAMETER' });
  });

  it('an over-long session id is simply an unknown session', async () => {
    await expect(t.client.call('getSessionInfo', { sessionId: 'x'.repeat(MAX_SESSION_ID + 1) })).rejects.toMatchObject({
      code: 'KCERR_END_OF_SESSION',
    });
  });
});
