/** The outgoing queue: submit, claim (leases), defer, finish; on SQLite and MariaDB. */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { describeEngines, expectCode, mail, newUser, put, type TestUser, uniq } from './helpers.js';

describeEngines('server outgoing', (engine) => {
  let t: TestServer;
  let admin: KgcSession;
  let u: TestUser;
  let v: TestUser;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    admin = await t.admin();
    [u, v] = await Promise.all([newUser(t, admin), newUser(t, admin)]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const submit = async (who: TestUser, deleteAfterSubmit?: boolean) => {
    const m = await put(who.session, who.folder('outbox'), mail({ subject: uniq('out') }));
    const { queueId } = await who.session.call('submitMessage', {
      messageId: m.messageId,
      ...(deleteAfterSubmit !== undefined ? { deleteAfterSubmit } : {}),
    });
    return { queueId, messageId: m.messageId };
  };
  /** Claims everything due for `owner` (the queue is this file's alone). */
  const claim = async (owner: string, max = 100, leaseSeconds = 60) =>
    (await admin.call('claimOutgoing', { owner, max, leaseSeconds })).entries;

  it('submitMessage queues; a service claims the entry with its lease; finishedMessage removes it', async () => {
    const before = Date.now();
    const { queueId, messageId } = await submit(u);
    const owner = uniq('spooler');
    const entries = await claim(owner, 10, 120);
    expect(entries).toHaveLength(1);
    const [e] = entries;
    expect(e).toEqual({
      queueId,
      storeId: u.storeId,
      messageId,
      userId: u.userId,
      username: u.username,
      attempts: 0,
      deleteAfterSubmit: false,
      leaseExpires: expect.any(Date),
    });
    const lease = e?.leaseExpires.getTime() ?? 0;
    expect(lease).toBeGreaterThanOrEqual(before + 120_000 - 1_000);
    expect(lease).toBeLessThanOrEqual(Date.now() + 120_000 + 1_000);
    // Leased: nobody else gets it.
    expect(await claim(uniq('other'))).toEqual([]);
    await expectCode(admin.call('finishedMessage', { queueId, owner: uniq('wrong') }), 'KCERR_NOT_FOUND');
    await admin.call('finishedMessage', { queueId, owner });
    await expectCode(admin.call('finishedMessage', { queueId, owner }), 'KCERR_NOT_FOUND');
    // The message itself stays where it was (the spooler moves it to Sent Items).
    expect((await u.session.call('loadObject', { messageId, sections: [] })).message.folderId).toBe(u.folder('outbox'));
    expect(await claim(owner)).toEqual([]);
  });

  it('a message is queued once; deleteAfterSubmit travels with the entry', async () => {
    const { queueId, messageId } = await submit(v, true);
    await expectCode(v.session.call('submitMessage', { messageId }), 'KCERR_COLLISION');
    const owner = uniq('spooler');
    const entries = await claim(owner);
    expect(entries.map((e) => [e.queueId, e.deleteAfterSubmit, e.username])).toEqual([[queueId, true, v.username]]);
    await admin.call('finishedMessage', { queueId, owner });
  });

  it('deferMessage gives the entry back for later with one more attempt; a wrong owner is KCERR_NOT_FOUND', async () => {
    const { queueId } = await submit(u);
    const owner = uniq('spooler');
    expect((await claim(owner)).map((e) => e.queueId)).toEqual([queueId]);
    await expectCode(admin.call('deferMessage', { queueId, owner: uniq('wrong'), delaySeconds: 0 }), 'KCERR_NOT_FOUND');
    await expectCode(admin.call('deferMessage', { queueId, owner, delaySeconds: -1 }), 'KCERR_INVALID_PARAMETER');
    await admin.call('deferMessage', { queueId, owner, delaySeconds: 3600 });
    expect(await claim(uniq('early'))).toEqual([]);
    // The deferring owner lost the lease.
    await expectCode(admin.call('finishedMessage', { queueId, owner }), 'KCERR_NOT_FOUND');
    const second = await submit(u);
    const again = uniq('spooler');
    const now = await claim(again);
    expect(now.map((e) => e.queueId)).toEqual([second.queueId]);
    await admin.call('deferMessage', { queueId: second.queueId, owner: again, delaySeconds: 0 });
    const retried = await claim(again);
    expect(retried.map((e) => [e.queueId, e.attempts])).toEqual([[second.queueId, 1]]);
    await admin.call('finishedMessage', { queueId: second.queueId, owner: again });
  });

  it('an expired lease can be claimed by another owner', async () => {
    const { queueId } = await submit(v);
    const first = uniq('a');
    expect((await claim(first, 10, 1)).map((e) => e.queueId)).toContain(queueId);
    await new Promise((r) => setTimeout(r, 1_100));
    const second = uniq('b');
    expect((await claim(second, 100, 60)).map((e) => e.queueId)).toContain(queueId);
    await expectCode(admin.call('finishedMessage', { queueId, owner: first }), 'KCERR_NOT_FOUND');
    await admin.call('finishedMessage', { queueId, owner: second });
  });

  it('two owners claiming at the same time never get the same entry', async () => {
    const submitted = [];
    for (let i = 0; i < 12; i++) submitted.push((await submit(i % 2 ? u : v)).queueId);
    const [x, y] = await Promise.all([
      admin.call('claimOutgoing', { owner: 'x', max: 8, leaseSeconds: 60 }),
      admin.call('claimOutgoing', { owner: 'y', max: 8, leaseSeconds: 60 }),
    ]);
    const xs = x.entries.map((e) => e.queueId);
    const ys = y.entries.map((e) => e.queueId);
    expect(xs.filter((id) => ys.includes(id))).toEqual([]);
    expect([...xs, ...ys].sort((p, q) => p - q)).toEqual(
      [...submitted].sort((p, q) => p - q).filter((id) => xs.includes(id) || ys.includes(id)),
    );
    expect(xs.length + ys.length).toBe(12);
    for (const id of xs) await admin.call('finishedMessage', { queueId: id, owner: 'x' });
    for (const id of ys) await admin.call('finishedMessage', { queueId: id, owner: 'y' });
  });

  it('user sessions cannot run the spooler side; claim arguments are range-checked', async () => {
    await expectCode(u.session.call('claimOutgoing', { owner: 'u', max: 1, leaseSeconds: 10 }), 'KCERR_NO_ACCESS');
    await expectCode(u.session.call('deferMessage', { queueId: 1, owner: 'u', delaySeconds: 0 }), 'KCERR_NO_ACCESS');
    await expectCode(u.session.call('finishedMessage', { queueId: 1, owner: 'u' }), 'KCERR_NO_ACCESS');
    await expectCode(admin.call('claimOutgoing', { owner: 'x', max: 0, leaseSeconds: 10 }), 'KCERR_INVALID_PARAMETER');
    await expectCode(admin.call('claimOutgoing', { owner: 'x', max: 1, leaseSeconds: 0 }), 'KCERR_INVALID_PARAMETER');
    await expectCode(admin.call('claimOutgoing', { owner: '', max: 1, leaseSeconds: 10 }), 'KCERR_INVALID_PARAMETER');
    await expectCode(u.session.call('submitMessage', { messageId: 999_999_999 }), 'KCERR_NOT_FOUND');
  });
});
