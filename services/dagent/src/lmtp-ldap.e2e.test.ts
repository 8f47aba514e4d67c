/**
 * Recipients from a directory (user_plugin = ldap, a real slapd): a directory user gets mail
 * before ever logging on (the store is made on resolution), and a mail address that two
 * directory users carry is ambiguous: 550 5.1.4.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { ldifEntry, type Slapd, sshaPassword, startSlapd } from '../../../test/support/slapd.js';
import { type DagentUnderTest, makeMessage, startTestDagent } from './testing/harness.js';
import { sendPython } from './testing/lmtp-clients.js';

const BASE = 'dc=example,dc=com';

function person(uid: string, n: number, mail: string, alias: string): string {
  return ldifEntry(`uid=${uid},ou=people,${BASE}`, {
    objectClass: ['top', 'inetOrgPerson', 'posixAccount', 'kopano-user'],
    uid,
    cn: uid,
    sn: uid,
    uidNumber: String(2000 + n),
    gidNumber: '100',
    homeDirectory: `/home/${uid}`,
    mail,
    kopanoAliases: alias,
    userPassword: sshaPassword(`${uid}-pw`),
  });
}

let slapd: Slapd;
let server: TestServer;
let lmtp: DagentUnderTest;
let cfgDir = '';

beforeAll(async () => {
  let ldif = ldifEntry(`ou=people,${BASE}`, { objectClass: ['top', 'organizationalUnit'], ou: 'people' });
  // Both carry the same mail attribute (a directory can; addresses of the db plugin are unique).
  ldif += person('anna', 1, 'team@example.com', 'anna@example.com');
  ldif += person('ben', 2, 'team@example.com', 'ben@example.com');
  slapd = await startSlapd({ ldif });
  cfgDir = mkdtempSync(join(tmpdir(), 'kgc-ldapcfg-'));
  const cfg = join(cfgDir, 'ldap.cfg');
  writeFileSync(
    cfg,
    [
      `ldap_uri = ${slapd.url}`,
      `ldap_bind_user = cn=admin,${BASE}`,
      `ldap_bind_passwd = ${slapd.rootPassword}`,
      `ldap_search_base = ${BASE}`,
      '',
    ].join('\n'),
  );
  server = await startTestServer({ settings: { KGC_USER_PLUGIN: 'ldap', KGC_USER_PLUGIN_CONFIG: cfg } });
  lmtp = await startTestDagent(server.url, server.secret);
}, 60_000);

afterAll(async () => {
  await lmtp?.close();
  await server?.close();
  await slapd?.stop();
  if (cfgDir) rmSync(cfgDir, { recursive: true, force: true });
});

describe('directory recipients', () => {
  it('delivers to a directory user who never logged on; an address of two users is 550 5.1.4', async () => {
    const r = await sendPython(lmtp.port, 's@example.net', ['anna@example.com'], makeMessage());
    expect(r.data).toEqual([[250, '2.1.5 <anna@example.com> Delivered']]);
    // Once both users are known to the server, the shared alias names two of them.
    const admin = await server.admin();
    await admin.call('getUserList', {});
    const again = await sendPython(lmtp.port, 's@example.net', ['team@example.com'], makeMessage());
    expect(again.rcpt).toEqual([[550, '5.1.4 <team@example.com> Address is ambiguous']]);
  });
});
