import { KcError } from '@kgc/soap';
import { describe, expect, it } from 'vitest';
import { LDAP_OPENLDAP_DEFAULTS, type LdapPluginConfig, resolveLdapConfig } from './ldap-config.js';

const base = { ldap_search_base: 'dc=example,dc=com' };

function rejects(overrides: Partial<LdapPluginConfig>, key: string): void {
  try {
    resolveLdapConfig({ ...base, ...overrides });
  } catch (err) {
    expect(err).toBeInstanceOf(KcError);
    expect((err as KcError).code).toBe('KCERR_INVALID_PARAMETER');
    expect((err as KcError).details).toEqual({ key });
    return;
  }
  throw new Error(`config with ${JSON.stringify(overrides)} was accepted`);
}

describe('resolveLdapConfig', () => {
  it("fills in KGC's OpenLDAP template", () => {
    const config = resolveLdapConfig(base);
    expect(config).toMatchObject({
      ldap_user_type_attribute_value: 'posixAccount',
      ldap_user_unique_attribute: 'uidNumber',
      ldap_groupmembers_attribute: 'memberUid',
      ldap_groupmembers_attribute_type: 'text',
      ldap_groupmembers_relation_attribute: 'uid',
      ldap_quota_multiplier: 1,
      ldap_page_size: 1000,
      ldap_network_timeout: 30,
    });
    expect(Object.isFrozen(LDAP_OPENLDAP_DEFAULTS)).toBe(true);
  });

  it('splits space-separated URIs and wraps bare filters', () => {
    const config = resolveLdapConfig({
      ...base,
      ldap_uri: ['ldap://a:389/ ldaps://b'],
      ldap_user_search_filter: 'kopanoAccount=1',
      ldap_page_size: 0,
    });
    expect(config.ldap_uri).toEqual(['ldap://a:389/', 'ldaps://b']);
    expect(config.ldap_user_search_filter).toBe('(kopanoAccount=1)');
    expect(config.ldap_page_size).toBe(1000);
  });

  it('refuses bad settings, naming the key', () => {
    rejects({ ldap_uri: [] }, 'ldap_uri');
    rejects({ ldap_uri: ['http://x'] }, 'ldap_uri');
    rejects({ ldap_search_base: ' ' }, 'ldap_search_base');
    rejects({ ldap_bind_user: 'cn=svc,dc=example,dc=com' }, 'ldap_bind_passwd');
    rejects({ ldap_network_timeout: 0 }, 'ldap_network_timeout');
    rejects({ ldap_page_size: -1 }, 'ldap_page_size');
    rejects({ ldap_quota_multiplier: 0 }, 'ldap_quota_multiplier');
    rejects({ ldap_loginname_attribute: 'uid)(x=*' }, 'ldap_loginname_attribute');
    rejects({ ldap_loginname_attribute: '' }, 'ldap_loginname_attribute');
    rejects({ ldap_emailaliases_attribute: 'a b' }, 'ldap_emailaliases_attribute');
    rejects({ ldap_user_type_attribute_value: ' , ' }, 'ldap_user_type_attribute_value');
    rejects({ ldap_sendas_attribute_type: 'binary' as 'dn' }, 'ldap_sendas_attribute_type');
    rejects({ ldap_user_search_filter: '(&(a=1)' }, 'ldap_user_search_filter');
    rejects({ ldap_user_search_filter: '(a=1))(|(b=2)' }, 'ldap_user_search_filter');
    rejects({ ldap_group_search_filter: '(a=1)(b=2)' }, 'ldap_group_search_filter');
    rejects({ ldap_filter_cutoff_elements: 1.5 }, 'ldap_filter_cutoff_elements');
  });

  it('accepts an unmapped optional attribute', () => {
    expect(resolveLdapConfig({ ...base, ldap_emailaliases_attribute: '' }).ldap_emailaliases_attribute).toBe('');
  });
});
