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
      submittedAt: expect.any(Date),
    });
    expect(e?.submittedAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
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

  it('renewOutgoing extends only the leases the owner still holds', async () => {
    const { queueId } = await submit(u);
    const owner = uniq('spooler');
    expect((await claim(owner, 100, 1)).map((e) => e.queueId)).toContain(queueId);
    expect((await admin.call('renewOutgoing', { owner, queueIds: [queueId], leaseSeconds: 60 })).queueIds).toEqual([
      queueId,
    ]);
    await new Promise((r) => setTimeout(r, 1_100));
    // Renewed: still leased past the first expiry.
    expect((await claim(uniq('other'))).map((e) => e.queueId)).not.toContain(queueId);
    expect(
      (await admin.call('renewOutgoing', { owner: uniq('wrong'), queueIds: [queueId], leaseSeconds: 60 })).queueIds,
    ).toEqual([]);
    await expectCode(
      admin.call('renewOutgoing', { owner, queueIds: [queueId], leaseSeconds: 0 }),
      'KCERR_INVALID_PARAMETER',
    );
    await expectCode(
      u.session.call('renewOutgoing', { owner, queueIds: [queueId], leaseSeconds: 5 }),
      'KCERR_NO_ACCESS',
    );
    await admin.call('finishedMessage', { queueId, owner });
  });

  it('finishedMessage with doSentMail moves to Sent Items, or deletes with deleteAfterSubmit, in one step', async () => {
    const kept = await submit(u);
    const gone = await submit(u, true);
    const owner = uniq('spooler');
    const ids = (await claim(owner)).map((e) => e.queueId);
    expect(ids).toEqual(expect.arrayContaining([kept.queueId, gone.queueId]));
    await admin.call('finishedMessage', { queueId: kept.queueId, owner, doSentMail: true });
    expect((await u.session.call('loadObject', { messageId: kept.messageId, sections: [] })).message.folderId).toBe(
      u.folder('sent'),
    );
    await admin.call('finishedMessage', { queueId: gone.queueId, owner, doSentMail: true });
    await expectCode(u.session.call('loadObject', { messageId: gone.messageId, sections: [] }), 'KCERR_NOT_FOUND');
    // Not leased (any more): nothing moves.
    await expectCode(
      admin.call('finishedMessage', { queueId: kept.queueId, owner, doSentMail: true }),
      'KCERR_NOT_FOUND',
    );
    for (const id of ids.filter((i) => i !== kept.queueId && i !== gone.queueId))
      await admin.call('finishedMessage', { queueId: id, owner });
  });

  it('finishedMessages finishes many in one call: the ones still leased to the owner, moved to Sent Items', async () => {
    const a = await submit(u);
    const b = await submit(u);
    const c = await submit(v);
    const owner = uniq('spooler');
    const ids = (await claim(owner)).map((e) => e.queueId);
    expect(ids).toEqual(expect.arrayContaining([a.queueId, b.queueId, c.queueId]));
    const r = await admin.call('finishedMessages', {
      owner,
      queueIds: [a.queueId, b.queueId, c.queueId, 999_999_999],
      doSentMail: true,
    });
    expect(r.queueIds.sort((x, y) => x - y)).toEqual([a.queueId, b.queueId, c.queueId].sort((x, y) => x - y));
    for (const [who, m] of [
      [u, a],
      [u, b],
      [v, c],
    ] as const)
      expect((await who.session.call('loadObject', { messageId: m.messageId, sections: [] })).message.folderId).toBe(
        who.folder('sent'),
      );
    expect((await admin.call('finishedMessages', { owner, queueIds: [a.queueId], doSentMail: true })).queueIds).toEqual(
      [],
    );
    const rest = ids.filter((i) => ![a.queueId, b.queueId, c.queueId].includes(i));
    expect((await admin.call('finishedMessages', { owner, queueIds: rest })).queueIds.length).toBe(rest.length);
    await expectCode(u.session.call('finishedMessages', { owner, queueIds: [] }), 'KCERR_NO_ACCESS');
  });

  it('deferredUntil keeps an entry from being claimed before its time', async () => {
    const m = await put(v.session, v.folder('outbox'), mail({ subject: uniq('later') }));
    const { queueId } = await v.session.call('submitMessage', {
      messageId: m.messageId,
      deferredUntil: new Date(Date.now() + 3_600_000),
    });
    expect((await claim(uniq('now'))).map((e) => e.queueId)).not.toContain(queueId);
    const status = await admin.call('getQueueStatus', {});
    expect(status.entries).toBeGreaterThanOrEqual(1);
    expect(status.entries).toBeGreaterThanOrEqual(status.due + status.leased);
    await expectCode(v.session.call('getQueueStatus', {}), 'KCERR_NO_ACCESS');
  });

  it("a message's PR_DEFERRED_SEND_TIME defers it as deferredUntil does (KGC's send later)", async () => {
    const later = await v.session.call('createMessage', {
      folderId: v.folder('outbox'),
      raw: mail({ subject: uniq('send later') }),
      flags: [],
      props: [{ name: 'PR_DEFERRED_SEND_TIME', type: 'date', value: new Date(Date.now() + 3_600_000).toISOString() }],
    });
    const past = await v.session.call('createMessage', {
      folderId: v.folder('outbox'),
      raw: mail({ subject: uniq('send now') }),
      flags: [],
      props: [{ name: 'PR_DEFERRED_SEND_TIME', type: 'date', value: new Date(Date.now() - 60_000).toISOString() }],
    });
    const a = await v.session.call('submitMessage', { messageId: later.messageId });
    const b = await v.session.call('submitMessage', { messageId: past.messageId });
    const claimed = (await claim(uniq('deferred'))).map((e) => e.queueId);
    expect(claimed).not.toContain(a.queueId);
    expect(claimed).toContain(b.queueId);
  });

  it('submitRawMessage stores in Sent Items with the envelope and queues, one transaction', async () => {
    const raw = mail({ subject: uniq('smtp') });
    const r = await u.session.call('submitRawMessage', {
      raw,
      envelopeFrom: u.email,
      envelopeTo: ['a@example.org', 'b@example.org'],
    });
    const { message } = await u.session.call('loadObject', { messageId: r.messageId, withRaw: true, sections: [] });
    expect(message.folderId).toBe(u.folder('sent'));
    expect(message.flags).toContain('\\Seen');
    expect(message.raw?.equals(raw)).toBe(true);
    expect(JSON.parse(message.props.find((p) => p.name === 'kgc:smtp-envelope')?.value ?? '')).toEqual({
      from: u.email,
      to: ['a@example.org', 'b@example.org'],
    });
    const owner = uniq('spooler');
    const entries = await claim(owner);
    expect(entries.map((e) => [e.queueId, e.messageId, e.username])).toContainEqual([
      r.queueId,
      r.messageId,
      u.username,
    ]);
    for (const e of entries) await admin.call('finishedMessage', { queueId: e.queueId, owner });
    await expectCode(
      u.session.call('submitRawMessage', { raw, envelopeFrom: u.email, envelopeTo: [] }),
      'KCERR_INVALID_PARAMETER',
    );
    await expectCode(
      u.session.call('submitRawMessage', { raw, envelopeFrom: u.email, envelopeTo: ['bad address'] }),
      'KCERR_INVALID_PARAMETER',
    );
    await expectCode(
      admin.call('submitRawMessage', { raw, envelopeFrom: u.email, envelopeTo: ['a@example.org'] }),
      'KCERR_NO_ACCESS',
    );
  });

  it('submitRawMessage at soft quota stores nothing and queues nothing', async () => {
    const w = await newUser(t, admin);
    await admin.call('SetQuota', { username: w.username, quota: { override: true, warn: 0, soft: 1, hard: 0 } });
    await put(w.session, w.folder('inbox'), mail({ body: 'x'.repeat(100) }));
    const sentBefore = (await w.session.call('getFolderStatus', { folderId: w.folder('sent') })).folder.messages;
    await expectCode(
      w.session.call('submitRawMessage', { raw: mail(), envelopeFrom: w.email, envelopeTo: ['a@example.org'] }),
      'KCERR_STORE_FULL',
    );
    expect((await w.session.call('getFolderStatus', { folderId: w.folder('sent') })).folder.messages).toBe(sentBefore);
  });
});
