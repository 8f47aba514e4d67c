/**
 * Access rules over every operation that takes a store, folder or message id: a user reaches only
 * their own store (another store is KCERR_NO_ACCESS, another store's folder or message
 * KCERR_NOT_FOUND, exactly like one that does not exist); admin operations need a service session
 * or an admin user, and an admin user still cannot read anyone else's mail. SQLite and MariaDB.
 */
import { type KgcSession, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { describeEngines, expectCode, folderStatus, mail, newUser, put, type TestUser, uniq } from './helpers.js';

describeEngines('server access', { independent: true }, (engine) => {
  let t: TestServer;
  let admin: KgcSession;
  /** The caller (password logon: the real thing). */
  let a: TestUser;
  /** The victim. */
  let b: TestUser;
  /** An administrator user. */
  let boss: TestUser;
  let s: KgcSession;
  let ownMsg: number;
  let bMsg: number;
  let bFolder: number;
  let bRoot: number;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    admin = await t.admin();
    [a, b, boss] = await Promise.all([
      newUser(t, admin, { logon: 'password' }),
      newUser(t, admin),
      newUser(t, admin, { isAdmin: true }),
    ]);
    s = a.session;
    ownMsg = (await put(s, a.folder('inbox'), mail({ subject: 'mine' }))).messageId;
    bFolder = (await b.session.call('createFolder', { storeId: b.storeId, name: 'Private' })).folder.folderId;
    bMsg = (await put(b.session, b.folder('inbox'), mail({ subject: 'secret' }))).messageId;
    bRoot = (await t.server.storage.stores.getStore(b.storeId)).rootFolderId as number;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Whatever the caller tried, B's store is as it was. */
  const bUnchanged = async () => {
    const m = (await admin.call('loadObject', { messageId: bMsg, withRaw: false, sections: [] })).message;
    expect(m).toMatchObject({ folderId: b.folder('inbox'), flags: [], props: [] });
    const folders = (await admin.call('getHierarchy', { storeId: b.storeId })).folders;
    expect(folders.map((f) => [f.name, f.messages])).toContainEqual(['Private', 0]);
    expect(folders.find((f) => f.specialUse === 'inbox')?.messages).toBe(1);
    expect(folders).toHaveLength(11);
  };

  it('store-level operations on another store are KCERR_NO_ACCESS', async () => {
    await expectCode(s.call('getHierarchy', { storeId: b.storeId }), 'KCERR_NO_ACCESS');
    await expectCode(s.call('createFolder', { storeId: b.storeId, name: 'x' }), 'KCERR_NO_ACCESS');
    await expectCode(s.call('getChanges', { storeId: b.storeId, sinceModseq: 0 }), 'KCERR_NO_ACCESS');
    await expectCode(
      s.call('notifyGetItems', { storeId: b.storeId, sinceModseq: 0, timeoutSeconds: 0 }),
      'KCERR_NO_ACCESS',
    );
    await expectCode(s.call('getStore', { username: b.username }), 'KCERR_NO_ACCESS');
    await expectCode(s.call('getStore', { email: b.email }), 'KCERR_NO_ACCESS');
    // Their own, by name, is fine.
    expect((await s.call('getStore', { username: a.username })).store.storeId).toBe(a.storeId);
    await bUnchanged();
  });

  it('folder operations on another store’s folder are KCERR_NOT_FOUND, like a folder that does not exist', async () => {
    // Each id's checks run side by side with the others' (all read-only refusals).
    const ids = [bFolder, b.folder('inbox'), 999_999_999];
    await Promise.all(
      ids.map(async (folderId) => {
        await expectCode(s.call('getFolderStatus', { folderId }), 'KCERR_NOT_FOUND');
        await expectCode(s.call('copyFolder', { folderId, newName: 'stolen' }), 'KCERR_NOT_FOUND');
        await expectCode(s.call('deleteFolder', { folderId }), 'KCERR_NOT_FOUND');
        await expectCode(s.call('emptyFolder', { folderId }), 'KCERR_NOT_FOUND');
        await expectCode(s.call('setFolderSubscribed', { folderId, subscribed: false }), 'KCERR_NOT_FOUND');
        await expectCode(
          s.call('createFolder', { storeId: a.storeId, parentId: folderId, name: 'x' }),
          'KCERR_NOT_FOUND',
        );
        await expectCode(s.call('createMessage', { folderId, raw: mail(), flags: [], props: [] }), 'KCERR_NOT_FOUND');
        await expectCode(
          s.call('deliverMessage', { raw: mail(), targets: [{ folderId, flags: [] }] }),
          'KCERR_NOT_FOUND',
        );
        await expectCode(s.call('tableQueryRows', { folderId, columns: ['subject'], sort: [] }), 'KCERR_NOT_FOUND');
        await expectCode(s.call('getChanges', { storeId: a.storeId, folderId, sinceModseq: 0 }), 'KCERR_NOT_FOUND');
        await expectCode(
          s.call('copyObjects', { messageIds: [ownMsg], destFolderId: folderId, move: false }),
          'KCERR_NOT_FOUND',
        );
        await expectCode(
          s.call('setMessageFlags', { folderId, messageIds: [ownMsg], add: ['\\Seen'], remove: [], replace: [] }),
          'KCERR_NOT_FOUND',
        );
        // By uids (IMAP STORE): the server knows b's Inbox's store from its cache (b's message went in).
        await expectCode(
          s.call('setMessageFlags', {
            folderId,
            messageIds: [],
            uids: '1:100',
            add: ['\\Seen'],
            remove: [],
            replace: [],
          }),
          'KCERR_NOT_FOUND',
        );
      }),
    );
    // Moving an own folder below theirs.
    const mine = (await s.call('createFolder', { storeId: a.storeId, name: uniq('Mine') })).folder.folderId;
    await expectCode(s.call('copyFolder', { folderId: mine, newParentId: bFolder }), 'KCERR_NOT_FOUND');
    // A delivery with one foreign target stores nothing at all.
    const inboxBefore = (await folderStatus(s, a.folder('inbox'))).messages;
    await expectCode(
      s.call('deliverMessage', {
        raw: mail(),
        targets: [
          { folderId: a.folder('inbox'), flags: [] },
          { folderId: b.folder('inbox'), flags: [] },
        ],
      }),
      'KCERR_NOT_FOUND',
    );
    expect((await folderStatus(s, a.folder('inbox'))).messages).toBe(inboxBefore);
    await bUnchanged();
  });

  it('the hidden root folder is not reachable, not even in the own store', async () => {
    const aRoot = (await t.server.storage.stores.getStore(a.storeId)).rootFolderId as number;
    await Promise.all(
      [aRoot, bRoot].map(async (folderId) => {
        await expectCode(s.call('getFolderStatus', { folderId }), 'KCERR_NOT_FOUND');
        await expectCode(s.call('createMessage', { folderId, raw: mail(), flags: [], props: [] }), 'KCERR_NOT_FOUND');
        await expectCode(
          s.call('createFolder', { storeId: a.storeId, parentId: folderId, name: 'x' }),
          'KCERR_NOT_FOUND',
        );
        await expectCode(s.call('copyFolder', { folderId, newName: 'x' }), 'KCERR_NOT_FOUND');
      }),
    );
  });

  it('message operations on another store’s message are KCERR_NOT_FOUND, like a message that does not exist', async () => {
    await Promise.all(
      [bMsg, 999_999_999].map(async (messageId) => {
        await expectCode(s.call('loadObject', { messageId, withRaw: true, sections: ['1'] }), 'KCERR_NOT_FOUND');
        await expectCode(
          s.call('setMessageFlags', {
            folderId: a.folder('inbox'),
            messageIds: [messageId],
            add: ['\\Seen'],
            remove: [],
            replace: [],
          }),
          'KCERR_NOT_FOUND',
        );
        await expectCode(
          s.call('setMessageFlags', {
            folderId: a.folder('inbox'),
            messageIds: [ownMsg, messageId],
            add: ['\\Seen'],
            remove: [],
            replace: [],
          }),
          'KCERR_NOT_FOUND',
        );
        for (const move of [false, true]) {
          await expectCode(
            s.call('copyObjects', { messageIds: [messageId], destFolderId: a.folder('inbox'), move }),
            'KCERR_NOT_FOUND',
          );
        }
        await expectCode(s.call('deleteObjects', { messageIds: [ownMsg, messageId] }), 'KCERR_NOT_FOUND');
        await expectCode(s.call('submitMessage', { messageId }), 'KCERR_NOT_FOUND');
        await expectCode(
          s.call('setProps', { messageId, props: [{ name: 'x', type: 'string', value: 'y' }] }),
          'KCERR_NOT_FOUND',
        );
      }),
    );
    // The own message survived the mixed calls untouched.
    expect((await s.call('loadObject', { messageId: ownMsg, sections: [] })).message).toMatchObject({
      flags: [],
      props: [],
    });
    await bUnchanged();
  });

  it('admin operations are KCERR_NO_ACCESS for a user; quota and user details only for themself', async () => {
    const calls: Array<() => Promise<unknown>> = [
      () => s.call('createUser', { user: { username: uniq('x'), password: 'x', aliases: [] } }),
      () => s.call('setUser', { username: b.username, changes: { fullName: 'x', aliases: [] } }),
      () => s.call('setUser', { username: a.username, changes: { isAdmin: true, aliases: [] } }),
      () => s.call('deleteUser', { username: b.username }),
      () => s.call('getUserList', {}),
      () => s.call('getUser', { username: b.username }),
      () => s.call('setUserFeatures', { username: a.username, enable: ['imap'], disable: [] }),
      () => s.call('createGroup', { name: uniq('g') }),
      () => s.call('groupDelete', { name: uniq('g') }),
      () => s.call('addGroupUser', { group: uniq('g'), username: a.username }),
      () => s.call('deleteGroupUser', { group: uniq('g'), username: a.username }),
      () => s.call('getGroupListOfUser', { username: b.username }),
      () => s.call('getSendAsList', { username: b.username }),
      () => s.call('addSendAsUser', { username: b.username, sendAs: a.username }),
      () => s.call('delSendAsUser', { username: b.username, sendAs: a.username }),
      () => s.call('GetQuota', { username: b.username }),
      () => s.call('SetQuota', { username: a.username, quota: { override: true, warn: 0, soft: 0, hard: 0 } }),
      () => s.call('GetQuotaStatus', { username: b.username }),
      () => s.call('claimOutgoing', { owner: 'x', max: 1, leaseSeconds: 10 }),
      () => s.call('deferMessage', { queueId: 1, owner: 'x', delaySeconds: 0 }),
      () => s.call('finishedMessage', { queueId: 1, owner: 'x' }),
      () =>
        s.call('deliverMessage', {
          raw: mail(),
          targets: [{ folderId: a.folder('inbox'), flags: [] }],
          ignoreQuota: true,
        }),
    ];
    await Promise.all(calls.map((c) => expectCode(c(), 'KCERR_NO_ACCESS')));
    expect((await admin.call('getUser', { username: a.username })).user).toEqual(a.user);
    expect((await admin.call('getSendAsList', { username: b.username })).usernames).toEqual([]);
  });

  it('an admin user administers users but cannot read another user’s mail', async () => {
    const bs = boss.session;
    const name = uniq('made');
    const { user } = await bs.call('createUser', { user: { username: name, password: 'pw-made', aliases: [] } });
    expect(user.username).toBe(name);
    await bs.call('SetQuota', { username: name, quota: { override: true, warn: 1, soft: 2, hard: 3 } });
    expect((await bs.call('GetQuotaStatus', { username: b.username })).status.level).toBe('ok');
    expect((await bs.call('getUser', { username: b.username })).user.userId).toBe(b.userId);
    expect((await bs.call('getUserList', {})).users.length).toBeGreaterThanOrEqual(4);
    await bs.call('deleteUser', { username: name });
    await expectCode(bs.call('getHierarchy', { storeId: b.storeId }), 'KCERR_NO_ACCESS');
    await expectCode(bs.call('getStore', { username: b.username }), 'KCERR_NO_ACCESS');
    await expectCode(bs.call('loadObject', { messageId: bMsg, sections: [] }), 'KCERR_NOT_FOUND');
    await expectCode(
      bs.call('tableQueryRows', { folderId: b.folder('inbox'), columns: [], sort: [] }),
      'KCERR_NOT_FOUND',
    );
    await expectCode(bs.call('getChanges', { storeId: b.storeId, sinceModseq: 0 }), 'KCERR_NO_ACCESS');
    await expectCode(bs.call('deleteObjects', { messageIds: [bMsg] }), 'KCERR_NOT_FOUND');
    await expectCode(bs.call('claimOutgoing', { owner: 'x', max: 1, leaseSeconds: 10 }), 'KCERR_NO_ACCESS');
    await bUnchanged();
  });

  it('deleteObjects with skipMissing deletes the caller’s messages only; gone and foreign ids are left out', async () => {
    // A folder of its own: the tests here run side by side, and others count A's Inbox.
    const inbox = (await s.call('createFolder', { storeId: a.storeId, name: uniq('skip') })).folder.folderId;
    const [m1, m2] = await Promise.all([
      put(s, inbox, mail({ subject: 'skip-1' })),
      put(s, inbox, mail({ subject: 'skip-2' })),
    ]);
    await s.call('deleteObjects', { messageIds: [m1.messageId] });
    // Without skipMissing, one gone id fails the call and nothing is deleted.
    await expectCode(s.call('deleteObjects', { messageIds: [m1.messageId, m2.messageId] }), 'KCERR_NOT_FOUND');
    expect((await s.call('loadObject', { messageId: m2.messageId, sections: [] })).message.subject).toBe('skip-2');
    const r = await s.call('deleteObjects', {
      messageIds: [m1.messageId, bMsg, m2.messageId, 987_654_321],
      skipMissing: true,
    });
    expect(r.modseq).toBeGreaterThan(0);
    await expectCode(s.call('loadObject', { messageId: m2.messageId, sections: [] }), 'KCERR_NOT_FOUND');
    // Nothing of the caller's left to delete: a no-op, not a failure.
    expect(await s.call('deleteObjects', { messageIds: [m2.messageId, bMsg], skipMissing: true })).toEqual({
      modseq: 0,
    });
    await bUnchanged();
    expect((await s.call('loadObject', { messageId: ownMsg, sections: [] })).message.subject).toBe('mine');
  });

  it('a service session reaches every store', async () => {
    expect((await admin.call('getHierarchy', { storeId: b.storeId })).folders).toHaveLength(11);
    expect((await admin.call('loadObject', { messageId: bMsg, withRaw: true, sections: [] })).message.subject).toBe(
      'secret',
    );
    const rows = await admin.call('tableQueryRows', { folderId: b.folder('inbox'), columns: ['subject'], sort: [] });
    expect(rows.rows.map((r) => r.subject)).toEqual(['secret']);
    expect((await admin.call('getChanges', { storeId: b.storeId, sinceModseq: 0 })).changes.length).toBeGreaterThan(0);
  });

  it('a bogus session id is KCERR_END_OF_SESSION for every kind of operation', async () => {
    const sessionId = 'bogus-session-id';
    await expectCode(t.client.call('getHierarchy', { sessionId, storeId: a.storeId }), 'KCERR_END_OF_SESSION');
    await expectCode(
      t.client.call('loadObject', { sessionId, messageId: ownMsg, sections: [] }),
      'KCERR_END_OF_SESSION',
    );
    await expectCode(t.client.call('getUserList', { sessionId }), 'KCERR_END_OF_SESSION');
    await expectCode(
      t.client.call('claimOutgoing', { sessionId, owner: 'x', max: 1, leaseSeconds: 10 }),
      'KCERR_END_OF_SESSION',
    );
    // And a logged-off user session can no longer do anything.
    const gone = await userLogon(t.client, a.username, a.password);
    await gone.logoff();
    await expectCode(gone.call('getStore', {}), 'KCERR_END_OF_SESSION');
  });
});
