/**
 * user_plugin = ldap end to end: a real slapd, the server configured by an ldap.cfg file, SOAP
 * logons that bind as the user, the store created on first logon, and read-only administration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ldifEntry, type Slapd, sshaPassword, startSlapd } from '../support/slapd.js';

const BASE = 'dc=example,dc=com';

function seed(): string {
  let ldif = '';
  for (const ou of ['people', 'services'])
    ldif += ldifEntry(`ou=${ou},${BASE}`, { objectClass: ['top', 'organizationalUnit'], ou });
  ldif += ldifEntry(`cn=kopano,ou=services,${BASE}`, {
    objectClass: ['top', 'organizationalRole', 'simpleSecurityObject'],
    cn: 'kopano',
    userPassword: sshaPassword('svc-pw'),
  });
  ldif += ldifEntry(`uid=lena,ou=people,${BASE}`, {
    objectClass: ['top', 'inetOrgPerson', 'posixAccount', 'kopano-user'],
    uid: 'lena',
    cn: 'Lena Directory',
    sn: 'Directory',
    uidNumber: '2001',
    gidNumber: '100',
    homeDirectory: '/home/lena',
    mail: 'lena@example.com',
    kopanoAliases: 'l.directory@example.com',
    kopanoEnabledFeatures: 'imap',
    kopanoQuotaOverride: '1',
    kopanoQuotaHard: '5000000',
    userPassword: sshaPassword('lena-pw'),
  });
  return ldif;
}

describe.each(['sqlite', 'mysql'] as const)('ldap user plugin through SOAP (%s)', (engine) => {
  let slapd: Slapd;
  let t: TestServer;
  let cfgDir = '';

  beforeAll(async () => {
    slapd = await startSlapd({ ldif: seed() });
    cfgDir = mkdtempSync(join(tmpdir(), 'kgc-ldapcfg-'));
    const cfg = join(cfgDir, 'ldap.cfg');
    writeFileSync(
      cfg,
      [
        `ldap_uri = ${slapd.url}`,
        `ldap_bind_user = cn=kopano,ou=services,${BASE}`,
        'ldap_bind_passwd = svc-pw',
        `ldap_search_base = ${BASE}`,
        'ldap_network_timeout = 5',
        '',
      ].join('\n'),
    );
    t = await startTestServer({ engine, settings: { KGC_USER_PLUGIN: 'ldap', KGC_USER_PLUGIN_CONFIG: cfg } });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
    if (cfgDir) rmSync(cfgDir, { recursive: true, force: true });
  });

  it('logs a directory user on by binding as them, creating the store on first logon', async () => {
    await expect(userLogon(t.client, 'lena', 'wrong')).rejects.toMatchObject({ code: 'KCERR_LOGON_FAILED' });
    const s = await userLogon(t.client, 'lena', 'lena-pw');
    const { store } = await s.call('getStore', {});
    const { folders } = await s.call('getHierarchy', { storeId: store.storeId });
    expect(folders.some((f) => f.specialUse === 'inbox')).toBe(true);
    // By address too, and the directory's attributes are mapped.
    const byMail = await userLogon(t.client, 'lena@example.com', 'lena-pw');
    const { user } = await byMail.call('getUser', { username: 'lena' });
    expect(user).toMatchObject({
      fullName: 'Lena Directory',
      email: 'lena@example.com',
      source: 'ldap',
      aliases: ['l.directory@example.com'],
      features: ['imap'],
      quota: { override: true, hard: 5_000_000 },
    });
  });

  it('is read-only: creating, changing or deleting users is refused with KCERR_NO_SUPPORT', async () => {
    const admin = await t.admin();
    await expect(
      admin.call('createUser', { user: { username: 'x', password: 'y', fullName: 'x', aliases: [] } }),
    ).rejects.toMatchObject({ code: 'KCERR_NO_SUPPORT' });
    await expect(
      admin.call('setUser', { username: 'lena', changes: { fullName: 'New', aliases: [] } }),
    ).rejects.toMatchObject({
      code: 'KCERR_NO_SUPPORT',
    });
    await expect(admin.call('deleteUser', { username: 'lena' })).rejects.toMatchObject({ code: 'KCERR_NO_SUPPORT' });
    const { users } = await admin.call('getUserList', {});
    expect(users.map((u) => u.username)).toContain('lena');
  });

  it('resolves directory addresses for delivery', async () => {
    const admin = await t.admin();
    const r = await admin.call('resolveEmail', { email: 'l.directory@example.com' });
    expect(r.username).toBe('lena');
    await expect(admin.call('resolveEmail', { email: 'nobody@example.com' })).rejects.toMatchObject({
      code: 'KCERR_NOT_FOUND',
    });
  });
});
