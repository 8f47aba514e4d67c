import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from './storage.js';
import { mime, TEST_ENGINES, TestHarness, testClock } from './test-harness.js';

describe.each(TEST_ENGINES)('outgoing queue and sessions (%s)', (engine) => {
  const h = new TestHarness(engine, 'queue');
  const clock = testClock();
  let a: Storage;
  let b: Storage;
  let userId: number;
  let outbox: number;
  beforeAll(async () => {
    // MariaDB: two instances on one database, as two server processes. SQLite has one writer
    // process (better-sqlite3 waits for locks synchronously), so both names share one instance there.
    a = await h.open({ clock: clock.now });
    b = engine === 'sqlite' ? a : await h.open({ clock: clock.now });
    const u = await a.users.createUser({ loginName: 'sender' });
    userId = u.id;
    outbox = (await a.folders.findFolderByRole(u.storeId as number, 'outbox'))?.id as number;
  });
  afterAll(() => h.cleanup());

  async function submit(count: number): Promise<number[]> {
    const r = await a.messages.createMessages(
      Array.from({ length: count }, (_, i) => ({ folderId: outbox, mime: mime(`out ${i}`) })),
    );
    const ids = r.results.map((x) => (x.ok ? x.id : 0));
    for (const id of ids) await a.queue.enqueue({ messageId: id });
    return ids;
  }

  it('never hands one entry to two concurrent claimers', async () => {
    await submit(30);
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? a : b).queue.claim({ owner: `spooler-${i}`, limit: 4, leaseMs: 60_000 }),
      ),
    );
    const ids = claims.flat().map((e) => e.id);
    expect(ids.length).toBe(24);
    expect(new Set(ids).size).toBe(24);
    claims.forEach((list, i) => {
      for (const e of list)
        expect(e).toMatchObject({ leaseOwner: `spooler-${i}`, leaseExpiresAt: clock.now() + 60_000 });
    });
    const rest = await a.queue.claim({ owner: 'late', limit: 100, leaseMs: 60_000 });
    expect(rest).toHaveLength(6);
    expect(await b.queue.claim({ owner: 'late2', limit: 100, leaseMs: 60_000 })).toEqual([]);
    // Clean up: finish everything.
    for (const e of [...claims.flat(), ...rest]) expect(await a.queue.finish(e.id, e.leaseOwner as string)).toBe(true);
    expect(await a.queue.listQueue()).toEqual([]);
  });

  it('renews, releases, expires and defers leases', async () => {
    const [m1, m2] = await submit(2);
    const [e1, e2] = await a.queue.claim({ owner: 's1', limit: 2, leaseMs: 1000 });
    expect([e1?.messageId, e2?.messageId]).toEqual([m1, m2]);
    clock.advance(500);
    expect(await a.queue.renewLease([e1?.id as number, e2?.id as number], 's1', 1000)).toHaveLength(2);
    expect(await b.queue.renewLease([e1?.id as number], 'intruder', 1000)).toEqual([]);
    expect(await b.queue.claim({ owner: 's2', limit: 5, leaseMs: 1000 })).toEqual([]);
    expect(await a.queue.releaseLease([e2?.id as number], 's1')).toBe(1);
    expect((await b.queue.claim({ owner: 's2', limit: 5, leaseMs: 100_000 })).map((e) => e.id)).toEqual([e2?.id]);
    clock.advance(1001);
    // s1's lease on e1 expired: another spooler may take it; s1 can no longer renew or finish it.
    const stolen = await b.queue.claim({ owner: 's3', limit: 1, leaseMs: 1000 });
    expect(stolen.map((e) => e.id)).toEqual([e1?.id]);
    expect(await a.queue.renewLease([e1?.id as number], 's1', 1000)).toEqual([]);
    expect(await a.queue.finish(e1?.id as number, 's1')).toBe(false);
    const deferred = await b.queue.defer(e1?.id as number, 's3', { error: '451 try later' });
    expect(deferred).toMatchObject({
      attempts: 1,
      leaseOwner: null,
      lastError: '451 try later',
      nextAttemptAt: clock.now() + 60_000,
    });
    expect(await a.queue.claim({ owner: 's4', limit: 5, leaseMs: 1000 })).toEqual([]);
    clock.advance(100_000);
    expect((await a.queue.claim({ owner: 's4', limit: 5, leaseMs: 1000 })).map((e) => e.id).sort()).toEqual(
      [e1?.id, e2?.id].sort(),
    );
    expect(await a.queue.abortSubmit(m1 as number)).toBe(true);
    // Deleting the message removes its queue entry.
    await a.messages.deleteMessages([m2 as number]);
    expect(await a.queue.listQueue({ userId })).toEqual([]);
  });

  it('refuses submit at soft quota and a second submit of one message; honours deferred delivery', async () => {
    const [m] = await submit(1);
    await expect(a.queue.enqueue({ messageId: m as number })).rejects.toMatchObject({ code: 'KCERR_COLLISION' });
    await a.queue.abortSubmit(m as number);
    const size = (await a.stores.getQuotaStatus((await a.users.getUser(userId)).storeId as number)).size;
    await a.users.setUserQuota(userId, { override: true, warn: 0, soft: size, hard: 0 });
    await expect(a.queue.enqueue({ messageId: m as number })).rejects.toMatchObject({ code: 'KCERR_STORE_FULL' });
    const sys = await a.queue.enqueue({
      messageId: m as number,
      skipQuotaCheck: true,
      deferredUntil: clock.now() + 5000,
    });
    expect(sys).toMatchObject({ deferredUntil: clock.now() + 5000, nextAttemptAt: clock.now() + 5000 });
    expect(await a.queue.claim({ owner: 'x', limit: 5, leaseMs: 1000 })).toEqual([]);
    clock.advance(5000);
    expect(await a.queue.claim({ owner: 'x', limit: 5, leaseMs: 1000 })).toHaveLength(1);
    await a.users.setUserQuota(userId, { override: false, warn: 0, soft: 0, hard: 0 });
    await a.queue.abortSubmit(m as number);
  });

  it('keeps sessions in SQL: shared by two instances, sliding expiry, purge', async () => {
    const { id, session } = await a.sessions.createSession({ kind: 'user', userId, timeoutMs: 300_000 });
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toMatchObject({ kind: 'user', userId, impersonatedUserId: null, expiresAt: clock.now() + 300_000 });
    clock.advance(200_000);
    const seen = await b.sessions.touchSession(id);
    expect(seen).toMatchObject({ userId, lastUsedAt: clock.now(), expiresAt: clock.now() + 300_000 });
    clock.advance(250_000);
    expect(await a.sessions.touchSession(id)).not.toBeNull();
    clock.advance(300_001);
    expect(await a.sessions.touchSession(id)).toBeNull();
    expect(await b.sessions.touchSession('not-a-session')).toBeNull();

    const svc = await b.sessions.createSession({
      kind: 'service',
      userId: null,
      impersonatedUserId: userId,
      timeoutMs: 1000,
    });
    expect((await a.sessions.touchSession(svc.id))?.impersonatedUserId).toBe(userId);
    expect(await a.sessions.deleteSession(svc.id)).toBe(true);
    expect(await b.sessions.touchSession(svc.id)).toBeNull();

    await a.sessions.createSession({ kind: 'user', userId, timeoutMs: 10 });
    clock.advance(11);
    expect(await b.sessions.purgeExpiredSessions()).toBe(2);
    expect(await b.sessions.purgeExpiredSessions()).toBe(0);
  });
});
