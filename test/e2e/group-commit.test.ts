/** Concurrent creates are gathered into shared transactions; each caller still gets its own result. */
import { type KcError, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'mysql'] as const)('group commit (%s)', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 60 concurrent creates with distinct ascending uids, and a full store fails alone', async () => {
    const admin = await t.admin();
    for (const u of ['gc1', 'gc2']) {
      await admin.call('createUser', { user: { username: u, password: 'pw', fullName: u, aliases: [] } });
    }
    const s1 = await userLogon(t.client, 'gc1', 'pw');
    const s2 = await userLogon(t.client, 'gc2', 'pw');
    const inboxOf = async (s: typeof s1) => {
      const { store } = await s.call('getStore', {});
      const { folders } = await s.call('getHierarchy', { storeId: store.storeId });
      return folders.find((f) => f.specialUse === 'inbox')?.folderId ?? 0;
    };
    const [in1, in2] = [await inboxOf(s1), await inboxOf(s2)];
    // gc2 is at its hard limit: 1 byte, and one message already stored.
    await s2.call('createMessage', {
      folderId: in2,
      raw: Buffer.from('Subject: first\r\n\r\nx\r\n'),
      flags: [],
      props: [],
    });
    await admin.call('SetQuota', { username: 'gc2', quota: { override: true, warn: 0, soft: 0, hard: 1 } });

    const raw = (i: number) => Buffer.from(`Subject: m${i}\r\n\r\nbody ${i}\r\n`);
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        i === 30
          ? s2.call('createMessage', { folderId: in2, raw: raw(i), flags: [], props: [] })
          : s1.call('createMessage', { folderId: in1, raw: raw(i), flags: [], props: [] }),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([30]);
    const reason = (results[30] as PromiseRejectedResult).reason as KcError;
    expect(reason.code).toBe('KCERR_STORE_FULL');
    const uids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.uid] : []));
    expect(new Set(uids).size).toBe(59);
    const { rows } = await s1.call('tableQueryRows', { folderId: in1, columns: ['subject'], sort: [] });
    expect(rows).toHaveLength(59);
    expect(rows.map((r) => r.uid)).toEqual([...uids].sort((a, b) => a - b));
  });
});
