import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbUserPlugin } from '../users/db-plugin.js';
import { hashPasswordScrypt, verifyPassword } from '../users/password.js';
import type { DirectoryUser } from '../users/user-plugin.js';
import type { Storage } from './storage.js';
import { mime, TEST_ENGINES, TestHarness } from './test-harness.js';
import { featureEnabled } from './users.js';

function ldapUser(over: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    externId: 'uid=1001',
    loginName: 'ldapuser',
    fullName: 'Ldap User',
    email: 'ldap@example.com',
    aliases: ['l1@example.com'],
    isAdmin: false,
    active: true,
    quota: null,
    enabledFeatures: ['imap'],
    disabledFeatures: [],
    sendAs: [],
    ...over,
  };
}

describe.each(TEST_ENGINES)('users and groups (%s)', (engine) => {
  const h = new TestHarness(engine, 'users');
  let storage: Storage;
  beforeAll(async () => {
    storage = await h.open();
  });
  afterAll(() => h.cleanup());

  it('creates, updates and finds users; login names are unique case-insensitively', async () => {
    const u = await storage.users.createUser({
      loginName: 'Alice',
      fullName: 'Alice A.',
      email: 'alice@example.com',
      aliases: ['a@example.com'],
      isAdmin: true,
      createStore: false,
    });
    expect(u).toMatchObject({ loginName: 'Alice', source: 'db', isAdmin: true, hasPassword: false, storeId: null });
    await expect(storage.users.createUser({ loginName: 'ALICE' })).rejects.toMatchObject({ code: 'KCERR_COLLISION' });
    await expect(storage.users.createUser({ loginName: 'al ice' })).rejects.toMatchObject({
      code: 'KCERR_INVALID_PARAMETER',
    });
    await expect(storage.users.createUser({ loginName: 'x', email: 'A@example.com' })).rejects.toMatchObject({
      code: 'KCERR_COLLISION',
    });
    expect((await storage.users.findUserByLogin('aLiCe'))?.id).toBe(u.id);
    const updated = await storage.users.updateUser(u.id, { fullName: 'Alice B.', active: false });
    expect(updated).toMatchObject({ fullName: 'Alice B.', active: false });
    const [details] = await storage.users.getUserDetails([u.id]);
    expect(details?.aliases).toEqual(['a@example.com']);
    await storage.users.removeAliases(u.id, ['A@EXAMPLE.COM']);
    expect((await storage.users.getUserDetails([u.id]))[0]?.aliases).toEqual([]);
    await storage.stores.createStore(u.id);
    expect((await storage.users.getUser(u.id)).storeId).not.toBeNull();
  });

  it('resolves logins, addresses and aliases, reporting ambiguity', async () => {
    const bob = await storage.users.createUser({
      loginName: 'bob',
      email: 'bob@example.com',
      aliases: ['b@example.com'],
    });
    await storage.users.upsertDirectoryUser(
      ldapUser({ externId: 'x1', loginName: 'dup1', email: 'same@example.com', aliases: [] }),
    );
    await storage.users.upsertDirectoryUser(
      ldapUser({ externId: 'x2', loginName: 'dup2', email: 'same@example.com', aliases: [] }),
    );
    const res = await storage.users.resolveUsers([
      'BOB',
      'B@example.com',
      'bob@example.com',
      'nobody',
      'same@example.com',
    ]);
    expect(res.map((r) => r.status)).toEqual(['found', 'found', 'found', 'not-found', 'ambiguous']);
    expect(res.slice(0, 3).map((r) => (r.status === 'found' ? r.user.id : 0))).toEqual([bob.id, bob.id, bob.id]);
    const amb = res[4];
    expect(amb?.status === 'ambiguous' && amb.users.map((u) => u.loginName).sort()).toEqual(['dup1', 'dup2']);
  });

  it('manages send-as, features and quota', async () => {
    const owner = await storage.users.createUser({ loginName: 'owner', createStore: false });
    const helper = await storage.users.createUser({ loginName: 'helper', createStore: false });
    await storage.users.addSendAs(owner.id, helper.id);
    await storage.users.addSendAs(owner.id, helper.id);
    expect(await storage.users.listSendAs(owner.id)).toEqual([{ id: helper.id, loginName: 'helper' }]);
    expect(await storage.users.canSendAs(helper.id, owner.id)).toBe(true);
    expect(await storage.users.canSendAs(owner.id, helper.id)).toBe(false);
    await storage.users.removeSendAs(owner.id, helper.id);
    expect(await storage.users.canSendAs(helper.id, owner.id)).toBe(false);

    await storage.users.setFeatures(owner.id, { enabled: ['imap'], disabled: ['pop3', 'imap'] });
    const features = await storage.users.getFeatures(owner.id);
    expect(features).toEqual({ enabled: ['imap'], disabled: ['pop3'] });
    const u = await storage.users.getUser(owner.id);
    expect(featureEnabled(u, 'imap', ['imap', 'pop3'])).toBe(true);
    expect(featureEnabled(u, 'pop3', [])).toBe(false);
    expect(featureEnabled(helper, 'pop3', ['imap', 'pop3'])).toBe(false);

    await storage.users.setUserQuota(owner.id, { override: true, warn: 1, soft: 2, hard: 3 });
    expect(await storage.users.getUserQuota(owner.id)).toEqual({ override: true, warn: 1, soft: 2, hard: 3 });
    await expect(
      storage.users.setUserQuota(owner.id, { override: true, warn: -1, soft: 0, hard: 0 }),
    ).rejects.toMatchObject({ code: 'KCERR_INVALID_PARAMETER' });
  });

  it('syncs directory users: insert, update by extern id, aliases and send-as replaced', async () => {
    const first = await storage.users.upsertDirectoryUser(ldapUser());
    expect(first.created).toBe(true);
    expect(first.user).toMatchObject({ source: 'ldap', externId: 'uid=1001', hasPassword: false });
    expect(first.user.storeId).not.toBeNull();
    const helper = await storage.users.createUser({ loginName: 'ldaphelper', createStore: false });
    const second = await storage.users.upsertDirectoryUser(
      ldapUser({
        loginName: 'ldapuser2',
        aliases: ['l2@example.com', 'b@example.com'],
        sendAs: ['ldaphelper', 'ghost'],
        quota: { override: true, warn: 5, soft: 6, hard: 7 },
      }),
    );
    expect(second).toMatchObject({ created: false, skippedAliases: ['b@example.com'], unknownSendAs: ['ghost'] });
    expect(second.user).toMatchObject({ id: first.user.id, loginName: 'ldapuser2', storeId: first.user.storeId });
    const [d] = await storage.users.getUserDetails([first.user.id]);
    expect(d?.aliases).toEqual(['l2@example.com']);
    expect(d?.sendAs).toEqual([{ id: helper.id, loginName: 'ldaphelper' }]);
    expect(d?.quota).toEqual({ override: true, warn: 5, soft: 6, hard: 7 });
    await expect(
      storage.users.upsertDirectoryUser(ldapUser({ externId: 'other', loginName: 'bob' })),
    ).rejects.toMatchObject({ code: 'KCERR_COLLISION' });
  });

  it('manages groups and membership', async () => {
    const u1 = await storage.users.createUser({ loginName: 'g1', createStore: false });
    const u2 = await storage.users.createUser({ loginName: 'g2', createStore: false });
    const g = await storage.groups.createGroup({ name: 'Sales', email: 'sales@example.com', memberIds: [u1.id] });
    await expect(storage.groups.createGroup({ name: 'sales' })).rejects.toMatchObject({ code: 'KCERR_COLLISION' });
    await storage.groups.addGroupMembers(g.id, [u1.id, u2.id]);
    expect((await storage.groups.listGroupMembers(g.id)).map((u) => u.loginName)).toEqual(['g1', 'g2']);
    await expect(storage.groups.addGroupMembers(g.id, [424242])).rejects.toMatchObject({ code: 'KCERR_NOT_FOUND' });
    await storage.groups.removeGroupMembers(g.id, [u1.id]);
    expect((await storage.groups.listGroupsOfUser(u2.id)).map((x) => x.name)).toEqual(['Sales']);
    expect(await storage.groups.listGroupsOfUser(u1.id)).toEqual([]);
    expect((await storage.groups.updateGroup(g.id, { name: 'Sales EU' })).name).toBe('Sales EU');
    expect((await storage.groups.findGroupByName('sales eu'))?.id).toBe(g.id);
    const synced = await storage.groups.upsertDirectoryGroup({
      externId: 'cn=ops',
      name: 'Ops',
      email: null,
      members: ['g1', 'nobody'],
    });
    expect(synced).toMatchObject({ created: true, unknownMembers: ['nobody'] });
    await storage.groups.deleteGroup(g.id);
    await expect(storage.groups.getGroup(g.id)).rejects.toMatchObject({ code: 'KCERR_NOT_FOUND' });
  });

  it('deletes a user with store, messages, blobs, memberships and sessions', async () => {
    const u = await storage.users.createUser({ loginName: 'leaver', aliases: ['leaver@example.com'] });
    const inbox = await storage.folders.findFolderByRole(u.storeId as number, 'inbox');
    const r = await storage.messages.createMessages([{ folderId: inbox?.id as number, mime: mime('bye') }]);
    const hash = r.results[0]?.ok ? r.results[0].blobHash : null;
    const g = await storage.groups.createGroup({ name: 'Leavers', memberIds: [u.id] });
    const { id: sid } = await storage.sessions.createSession({ kind: 'user', userId: u.id, timeoutMs: 60_000 });
    await storage.properties.setProperties([
      { object: { type: 'user', id: u.id }, set: { x: { type: 'int', value: 1 } } },
    ]);
    await storage.users.deleteUser(u.id);
    await expect(storage.users.getUser(u.id)).rejects.toMatchObject({ code: 'KCERR_NOT_FOUND' });
    await expect(storage.stores.getStore(u.storeId as number)).rejects.toMatchObject({ code: 'KCERR_NOT_FOUND' });
    expect(await storage.blobs.getBlobInfo([hash as string])).toEqual([]);
    expect(await storage.groups.listGroupMembers(g.id)).toEqual([]);
    expect(await storage.sessions.touchSession(sid)).toBeNull();
    expect(await storage.properties.getProperties([{ type: 'user', id: u.id }])).toEqual([{}]);
    expect((await storage.users.resolveUsers(['leaver@example.com']))[0]?.status).toBe('not-found');
  });

  it('replaces an earlier scrypt hash with Argon2id at the next logon, unless the password changed', async () => {
    const u = await storage.users.createUser({ loginName: 'legacy', password: 'old style' });
    const argon = (await storage.users.getCredentials('legacy'))?.passwordHash ?? '';
    const scrypt = await hashPasswordScrypt('old style', { ln: 10, r: 8, p: 1 });
    expect(await storage.users.upgradePasswordHash(u.id, argon, scrypt)).toBe(true);
    // Compare-and-set: a hash that is no longer the stored one is not replaced.
    expect(await storage.users.upgradePasswordHash(u.id, argon, argon)).toBe(false);
    expect((await storage.users.getCredentials('legacy'))?.passwordHash).toBe(scrypt);
    const errors: unknown[] = [];
    const plugin = new DbUserPlugin(storage, (e) => errors.push(e));
    expect(await plugin.authenticate('legacy', 'wrong')).toBeNull();
    expect((await storage.users.getCredentials('legacy'))?.passwordHash).toBe(scrypt);
    expect((await plugin.authenticate('legacy', 'old style'))?.loginName).toBe('legacy');
    const upgraded = (await storage.users.getCredentials('legacy'))?.passwordHash ?? '';
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('old style', upgraded)).toBe(true);
    expect((await plugin.authenticate('legacy', 'old style'))?.loginName).toBe('legacy');
    expect((await storage.users.getCredentials('legacy'))?.passwordHash).toBe(upgraded);
    expect(errors).toEqual([]);
  });

  it('backs the db user plugin: Argon2id hashes, right and wrong passwords', async () => {
    const u = await storage.users.createUser({
      loginName: 'carol',
      password: 'correct horse',
      email: 'carol@example.com',
      aliases: ['c@example.com'],
      enabledFeatures: ['pop3'],
    });
    expect(u.hasPassword).toBe(true);
    const cred = await storage.users.getCredentials('CAROL');
    expect(cred?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const plugin = new DbUserPlugin(storage);
    expect(await plugin.authenticate('CAROL', 'correct horse')).toEqual({ loginName: 'carol', active: true });
    expect(await plugin.findUser('carol')).toMatchObject({
      externId: String(u.id),
      loginName: 'carol',
      email: 'carol@example.com',
      aliases: ['c@example.com'],
      enabledFeatures: ['pop3'],
    });
    expect(await plugin.authenticate('carol', 'wrong horse')).toBeNull();
    expect(await plugin.authenticate('nobody', 'correct horse')).toBeNull();
    expect((await plugin.findUserByEmail('C@example.com'))?.loginName).toBe('carol');
    expect(await plugin.findUserByEmail('carol')).toBeNull();
    expect((await plugin.findUser('Carol'))?.externId).toBe(String(u.id));
    expect((await plugin.listUsers()).every((x) => x.loginName !== 'ldapuser2')).toBe(true);
    // ldap users never authenticate through the db plugin.
    expect(await plugin.findUser('ldapuser2')).toBeNull();
    await storage.users.updateUser(u.id, { password: 'new secret' });
    expect(await plugin.authenticate('carol', 'correct horse')).toBeNull();
    expect((await plugin.authenticate('carol', 'new secret'))?.loginName).toBe('carol');
    await storage.users.updateUser(u.id, { password: null });
    expect(await plugin.authenticate('carol', 'new secret')).toBeNull();
    const g = await storage.groups.createGroup({ name: 'Plugin', memberIds: [u.id] });
    expect(await plugin.findGroup('plugin')).toEqual({
      externId: String(g.id),
      name: 'Plugin',
      email: null,
      members: ['carol'],
    });
  });
});
