import net from 'node:net';
import { KcError } from '@kgc/soap';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ldifEntry, type Slapd, sshaPassword, startSlapd } from '../../../../test/support/slapd.js';
import type { LdapPluginConfig } from './ldap-config.js';
import { escapeDnValue } from './ldap-filter.js';
import { LdapUserPlugin } from './ldap-plugin.js';

const BASE = 'dc=example,dc=com';
const PEOPLE = `ou=people,${BASE}`;
const GROUPS = `ou=groups,${BASE}`;
const SERVICE_DN = `cn=kopano,ou=services,${BASE}`;
const SERVICE_PASSWORD = 'service-secret';
/** A login that is every filter metacharacter at once; its DN needs RFC 4514 escaping too. */
const WEIRD_LOGIN = 'star*(x)\\y, jr';
const BULK_USERS = 25;
const PAGE_SIZE = 10;

function userDn(uid: string): string {
  return `uid=${escapeDnValue(uid)},${PEOPLE}`;
}

function person(uid: string, uidNumber: number, password: string, extra: Record<string, string | string[]> = {}) {
  return ldifEntry(userDn(uid), {
    objectClass: ['top', 'inetOrgPerson', 'posixAccount', 'kopano-user'],
    uid,
    cn: extra.cn ?? uid,
    sn: 'Test',
    uidNumber: String(uidNumber),
    gidNumber: '100',
    homeDirectory: `/home/${uidNumber}`,
    userPassword: password,
    ...extra,
  });
}

function seed(): string {
  let ldif = '';
  for (const ou of ['people', 'groups', 'services']) {
    ldif += ldifEntry(`ou=${ou},${BASE}`, { objectClass: ['top', 'organizationalUnit'], ou });
  }
  ldif += ldifEntry(SERVICE_DN, {
    objectClass: ['top', 'organizationalRole', 'simpleSecurityObject'],
    cn: 'kopano',
    userPassword: sshaPassword(SERVICE_PASSWORD),
  });
  ldif += person('alice', 1001, sshaPassword('alice-pw'), {
    cn: 'Alice Example',
    mail: 'alice@example.com',
    kopanoAliases: ['alice.alias@example.com', 'alice@example.org'],
    kopanoAdmin: '1',
    kopanoQuotaOverride: '1',
    kopanoQuotaWarn: '100',
    kopanoQuotaSoft: '200',
    kopanoQuotaHard: '300',
    kopanoEnabledFeatures: 'imap',
    kopanoDisabledFeatures: 'POP3',
    // text send-as (KGC OpenLDAP default): values of ldap_user_unique_attribute; 9999 is nobody.
    kopanoSendAsPrivilege: ['1002', '9999'],
  });
  ldif += person('bob', 1002, 'bob-plain-pw', { cn: 'Bob Builder', mail: 'bob@example.com' });
  ldif += person('carol', 1003, sshaPassword('carol-pw'), {
    cn: 'Carol',
    kopanoAdmin: '0',
    kopanoSendAsPrivilege: userDn('bob'),
  });
  ldif += person('shared', 1004, sshaPassword('shared-pw'), { kopanoSharedStoreOnly: '1' });
  ldif += person(WEIRD_LOGIN, 1005, sshaPassword('weird-pw'));
  ldif += person('jürgen', 1006, sshaPassword('jürgen-pw'), { cn: 'Jürgen Groß' });
  for (let i = 0; i < BULK_USERS; i++) {
    const uid = `user${String(i).padStart(2, '0')}`;
    ldif += person(uid, 2000 + i, sshaPassword('bulk-pw'), { cn: `Bulk User ${i}` });
  }
  // Can bind, but is no posixAccount, so not a user of the plugin.
  ldif += ldifEntry(userDn('notposix'), {
    objectClass: ['top', 'inetOrgPerson'],
    uid: 'notposix',
    cn: 'Not Posix',
    sn: 'Test',
    userPassword: sshaPassword('notposix-pw'),
  });
  ldif += ldifEntry(`cn=staff,${GROUPS}`, {
    objectClass: ['top', 'posixGroup', 'kopano-group'],
    cn: 'staff',
    gidNumber: '5000',
    mail: 'staff@example.com',
    memberUid: ['alice', 'Bob', 'ghost'],
  });
  ldif += ldifEntry(`cn=empty,${GROUPS}`, { objectClass: ['top', 'posixGroup'], cn: 'empty', gidNumber: '5001' });
  ldif += ldifEntry(`cn=devs,${GROUPS}`, {
    objectClass: ['top', 'groupOfNames'],
    cn: 'devs',
    member: [userDn('alice'), `UID=carol,OU=people,${BASE}`, `cn=staff,${GROUPS}`, userDn('nobody')],
  });
  return ldif;
}

function expectKcError(promise: Promise<unknown>, code: KcError['code']) {
  return expect(promise).rejects.toSatisfy((err: unknown) => err instanceof KcError && err.code === code);
}

/** A loopback port with nobody listening. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('ldap user plugin against a real slapd', () => {
  let slapd: Slapd;
  let plugin: LdapUserPlugin;
  const extra: LdapUserPlugin[] = [];
  const config = (overrides: Partial<LdapPluginConfig> = {}): Partial<LdapPluginConfig> => ({
    ldap_uri: [slapd.url],
    ldap_bind_user: SERVICE_DN,
    ldap_bind_passwd: SERVICE_PASSWORD,
    ldap_search_base: BASE,
    ldap_network_timeout: 5,
    ldap_page_size: PAGE_SIZE,
    ...overrides,
  });
  const another = (overrides: Partial<LdapPluginConfig>) => {
    const made = new LdapUserPlugin(config(overrides));
    extra.push(made);
    return made;
  };

  beforeAll(async () => {
    // sizeLimit: an unpaged search for all users fails, so listUsers only passes when it pages.
    // allowUnauthenticatedBind: the server accepts DN + empty password, so the plugin must refuse it itself.
    slapd = await startSlapd({ ldif: seed(), sizeLimit: PAGE_SIZE, allowUnauthenticatedBind: true });
    plugin = new LdapUserPlugin(config());
  });

  afterAll(async () => {
    await Promise.all([plugin, ...extra].map((p) => p?.close()));
    await slapd?.stop();
  });

  it('is the read-only ldap plugin', () => {
    expect(plugin.name).toBe('ldap');
    expect(plugin.writable).toBe(false);
  });

  describe('authenticate', () => {
    it('accepts the right password ({SSHA} and plain userPassword)', async () => {
      expect(await plugin.authenticate('alice', 'alice-pw')).toMatchObject({ loginName: 'alice', externId: '1001' });
      expect(await plugin.authenticate('bob', 'bob-plain-pw')).toMatchObject({ loginName: 'bob' });
      expect(await plugin.authenticate('jürgen', 'jürgen-pw')).toMatchObject({ fullName: 'Jürgen Groß' });
    });

    it('matches the login name as the directory does (uid is case-insensitive)', async () => {
      expect(await plugin.authenticate('ALICE', 'alice-pw')).toMatchObject({ loginName: 'alice' });
    });

    it('refuses a wrong password', async () => {
      expect(await plugin.authenticate('alice', 'wrong')).toBeNull();
      expect(await plugin.authenticate('alice', 'ALICE-PW')).toBeNull();
    });

    it('refuses an empty password although this directory accepts unauthenticated binds', async () => {
      const raw = new Client({ url: slapd.url });
      await expect(raw.bind(userDn('alice'), '')).resolves.toBeUndefined();
      await raw.unbind();
      expect(await plugin.authenticate('alice', '')).toBeNull();
    });

    it('refuses unknown users, non-active users and entries that are not users', async () => {
      expect(await plugin.authenticate('nobody', 'alice-pw')).toBeNull();
      expect(await plugin.authenticate('', 'alice-pw')).toBeNull();
      expect(await plugin.authenticate('shared', 'shared-pw')).toBeNull();
      expect(await plugin.authenticate('notposix', 'notposix-pw')).toBeNull();
    });

    it.each([
      '*',
      'alice*',
      'a*e',
      '*)(uid=*',
      'alice)(uid=*',
      ')(|(uid=*',
      'alice)(|(objectClass=*)',
      'alice\0',
      'alice\0)(uid=*',
      // Unescaped, ldapts would decode \63 to "c" and this would be "alice".
      'ali\\63e',
      'user0*',
    ])('treats %j as a literal login name', async (login) => {
      expect(await plugin.authenticate(login, 'alice-pw')).toBeNull();
      expect(await plugin.authenticate(login, 'bulk-pw')).toBeNull();
      expect(await plugin.findUser(login)).toBeNull();
    });

    it('finds a user whose login and DN contain filter and DN metacharacters', async () => {
      expect(await plugin.authenticate(WEIRD_LOGIN, 'weird-pw')).toMatchObject({ loginName: WEIRD_LOGIN });
      expect(await plugin.findUser(WEIRD_LOGIN)).toMatchObject({ externId: '1005' });
      expect(await plugin.findUser('star*')).toBeNull();
    });
  });

  describe('attribute mapping', () => {
    it('maps every KGC attribute of a user', async () => {
      expect(await plugin.findUser('alice')).toEqual({
        externId: '1001',
        loginName: 'alice',
        fullName: 'Alice Example',
        email: 'alice@example.com',
        aliases: ['alice.alias@example.com', 'alice@example.org'],
        isAdmin: true,
        active: true,
        quota: { override: true, warn: 100, soft: 200, hard: 300 },
        enabledFeatures: ['imap'],
        disabledFeatures: ['pop3'],
        sendAs: ['bob'],
      });
    });

    it('leaves absent attributes empty', async () => {
      expect(await plugin.findUser('carol')).toEqual({
        externId: '1003',
        loginName: 'carol',
        fullName: 'Carol',
        email: null,
        aliases: [],
        isAdmin: false,
        active: true,
        quota: null,
        enabledFeatures: [],
        disabledFeatures: [],
        // carol's send-as value is a DN, which means nothing to the default text mode.
        sendAs: [],
      });
      expect(await plugin.findUser('shared')).toMatchObject({ active: false, isAdmin: false });
    });

    it('multiplies quota values by ldap_quota_multiplier', async () => {
      const mb = another({ ldap_quota_multiplier: 1048576 });
      expect((await mb.findUser('alice'))?.quota).toEqual({
        override: true,
        warn: 100 * 1048576,
        soft: 200 * 1048576,
        hard: 300 * 1048576,
      });
    });

    it('resolves send-as DNs with ldap_sendas_attribute_type dn', async () => {
      const byDn = another({ ldap_sendas_attribute_type: 'dn' });
      expect((await byDn.findUser('carol'))?.sendAs).toEqual(['bob']);
      expect((await byDn.findUser('alice'))?.sendAs).toEqual([]);
    });

    it('finds users by address or alias, case-insensitively', async () => {
      expect((await plugin.findUserByEmail('alice@example.com'))?.loginName).toBe('alice');
      expect((await plugin.findUserByEmail('ALICE.ALIAS@EXAMPLE.COM'))?.loginName).toBe('alice');
      expect((await plugin.findUserByEmail('alice@example.org'))?.loginName).toBe('alice');
      expect(await plugin.findUserByEmail('nobody@example.com')).toBeNull();
      expect(await plugin.findUserByEmail('*')).toBeNull();
      expect(await plugin.findUserByEmail('*@example.com')).toBeNull();
    });

    it('honours ldap_user_search_filter', async () => {
      const adminsOnly = another({ ldap_user_search_filter: '(kopanoAdmin=1)' });
      expect(await adminsOnly.findUser('bob')).toBeNull();
      expect((await adminsOnly.listUsers()).map((u) => u.loginName)).toEqual(['alice']);
    });
  });

  describe('groups', () => {
    it('lists posixGroups with memberUid members (text relation to uid)', async () => {
      const groups = await plugin.listGroups();
      expect(groups.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { externId: '5001', name: 'empty', email: null, members: [] },
        // "Bob" resolves to bob; "ghost" is nobody and is left out.
        { externId: '5000', name: 'staff', email: 'staff@example.com', members: ['alice', 'bob'] },
      ]);
      expect(await plugin.findGroup('staff')).toEqual(groups.find((g) => g.name === 'staff'));
      expect(await plugin.findGroup('nope')).toBeNull();
      expect(await plugin.findGroup('*')).toBeNull();
      expect(await plugin.findGroup('staff)(cn=*')).toBeNull();
    });

    it('resolves member DNs (groupOfNames) to login names', async () => {
      const dnGroups = {
        ldap_group_type_attribute_value: 'groupOfNames',
        ldap_group_unique_attribute: 'cn',
        ldap_groupmembers_attribute: 'member',
        ldap_groupmembers_attribute_type: 'dn',
      } as const;
      // The staff group and the missing DN are no users; the upper-case DN is still carol.
      const expected = [{ externId: 'devs', name: 'devs', email: null, members: ['alice', 'carol'] }];
      expect(await another(dnGroups).listGroups()).toEqual(expected);
      expect(await another(dnGroups).findGroup('devs')).toEqual(expected[0]);
      // Above ldap_filter_cutoff_elements members, all users are listed once instead.
      expect(await another({ ...dnGroups, ldap_filter_cutoff_elements: 1 }).listGroups()).toEqual(expected);
    });
  });

  describe('listing', () => {
    it(`pages through ${BULK_USERS + 6} users with ldap_page_size ${PAGE_SIZE}`, async () => {
      const raw = new Client({ url: slapd.url });
      await raw.bind(SERVICE_DN, SERVICE_PASSWORD);
      // The same search without paging runs into the server's size limit.
      await expect(raw.search(BASE, { filter: '(objectClass=posixAccount)' })).rejects.toMatchObject({ code: 4 });
      await raw.unbind();

      const users = await plugin.listUsers();
      const logins = users.map((u) => u.loginName).sort();
      expect(logins).toHaveLength(BULK_USERS + 6);
      expect(logins).toEqual(
        expect.arrayContaining(['alice', 'bob', 'carol', 'shared', WEIRD_LOGIN, 'jürgen', 'user24']),
      );
      expect(logins).not.toContain('notposix');
      expect(users.find((u) => u.loginName === 'alice')?.sendAs).toEqual(['bob']);
      expect(new Set(users.map((u) => u.externId)).size).toBe(users.length);
    });
  });

  describe('connection failures', () => {
    it('reports a rejected service bind as KCERR_NETWORK_ERROR', async () => {
      await expectKcError(another({ ldap_bind_passwd: 'wrong' }).findUser('alice'), 'KCERR_NETWORK_ERROR');
    });

    it('fails closed when StartTLS is configured but the server cannot do it', async () => {
      const tls = another({ ldap_starttls: true });
      await expectKcError(tls.findUser('alice'), 'KCERR_NETWORK_ERROR');
      await expectKcError(tls.authenticate('alice', 'alice-pw'), 'KCERR_NETWORK_ERROR');
    });

    it('fails over to the next ldap_uri', async () => {
      const failover = another({ ldap_uri: [`ldap://127.0.0.1:${await deadPort()}`, slapd.url] });
      expect((await failover.findUser('alice'))?.loginName).toBe('alice');
      expect(await failover.authenticate('alice', 'alice-pw')).not.toBeNull();
    });

    it('gives up after ldap_network_timeout when the server does not answer', async () => {
      const sockets: net.Socket[] = [];
      const mute = net.createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
      const address = mute.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      try {
        const silent = another({ ldap_uri: [`ldap://127.0.0.1:${port}`], ldap_network_timeout: 0.5 });
        const started = Date.now();
        await expectKcError(silent.findUser('alice'), 'KCERR_NETWORK_ERROR');
        expect(Date.now() - started).toBeLessThan(4000);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => mute.close(resolve));
      }
    });

    it('refuses calls after close()', async () => {
      const closed = another({});
      await closed.close();
      await expectKcError(closed.findUser('alice'), 'KCERR_NETWORK_ERROR');
    });
  });
});

describe('ldap user plugin when the directory goes away', () => {
  let slapd: Slapd;
  let plugin: LdapUserPlugin;

  beforeAll(async () => {
    const ldif =
      ldifEntry(`ou=people,${BASE}`, { objectClass: ['top', 'organizationalUnit'], ou: 'people' }) +
      ldifEntry(`ou=services,${BASE}`, { objectClass: ['top', 'organizationalUnit'], ou: 'services' }) +
      ldifEntry(SERVICE_DN, {
        objectClass: ['top', 'organizationalRole', 'simpleSecurityObject'],
        cn: 'kopano',
        userPassword: sshaPassword(SERVICE_PASSWORD),
      }) +
      person('alice', 1001, sshaPassword('alice-pw'));
    // Anonymous clients see nothing here: a connection that silently came back unbound would find no users.
    slapd = await startSlapd({ ldif, anonymousRead: false });
    plugin = new LdapUserPlugin({
      ldap_uri: [slapd.url],
      ldap_bind_user: SERVICE_DN,
      ldap_bind_passwd: SERVICE_PASSWORD,
      ldap_search_base: BASE,
      ldap_network_timeout: 2,
    });
  });

  afterAll(async () => {
    await plugin?.close();
    await slapd?.stop();
  });

  it('hides the directory from anonymous clients', async () => {
    const raw = new Client({ url: slapd.url });
    await expect(raw.search(BASE, { filter: '(uid=alice)' })).rejects.toMatchObject({ code: 50 });
    await raw.unbind();
  });

  it('throws KCERR_NETWORK_ERROR while it is down and reconnects when it is back', async () => {
    expect((await plugin.findUser('alice'))?.loginName).toBe('alice');

    await slapd.halt();
    await expectKcError(plugin.findUser('alice'), 'KCERR_NETWORK_ERROR');
    await expectKcError(plugin.authenticate('alice', 'alice-pw'), 'KCERR_NETWORK_ERROR');
    await expectKcError(plugin.listUsers(), 'KCERR_NETWORK_ERROR');
    await expectKcError(plugin.listGroups(), 'KCERR_NETWORK_ERROR');

    await slapd.resume();
    expect((await plugin.findUser('alice'))?.loginName).toBe('alice');
    expect(await plugin.authenticate('alice', 'alice-pw')).toMatchObject({ loginName: 'alice' });
  });

  it('binds again when the server restarted between two calls', async () => {
    expect(await plugin.findUser('alice')).not.toBeNull();
    await slapd.halt();
    await slapd.resume();
    expect((await plugin.findUser('alice'))?.loginName).toBe('alice');
  });
});
