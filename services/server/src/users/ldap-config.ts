import { KcError } from '@kgc/soap';
import { FilterParser } from 'ldapts';

/** How a relation attribute stores its targets: `text` = a value of the relation attribute, `dn` = the target's DN. */
export type LdapValueType = 'text' | 'dn';

/**
 * Settings of the ldap user plugin, with KGC's ldap.cfg key names. Values are already parsed
 * (booleans, numbers, lists); reading the config file is not this module's job.
 * An empty attribute name means "not mapped" (the property stays empty).
 */
export interface LdapPluginConfig {
  /** Tried in order; the next one is used when a server cannot be reached or refuses the service bind. */
  ldap_uri: string[];
  ldap_starttls: boolean;
  /** Service bind DN; empty = anonymous. */
  ldap_bind_user: string;
  ldap_bind_passwd: string;
  ldap_search_base: string;
  /** Seconds, for connecting and for each operation. */
  ldap_network_timeout: number;
  ldap_page_size: number;
  /** Above this many DN-type group members, all users are listed once instead of looked up one by one; 0 = never. */
  ldap_filter_cutoff_elements: number;
  ldap_object_type_attribute: string;
  /** One class or a comma-separated list that must all be present. */
  ldap_user_type_attribute_value: string;
  ldap_group_type_attribute_value: string;
  /** Extra filter ANDed to every user search; empty = none. */
  ldap_user_search_filter: string;
  ldap_group_search_filter: string;
  ldap_user_unique_attribute: string;
  ldap_loginname_attribute: string;
  ldap_fullname_attribute: string;
  ldap_emailaddress_attribute: string;
  ldap_emailaliases_attribute: string;
  ldap_isadmin_attribute: string;
  ldap_nonactive_attribute: string;
  /** On user X: who may send as X. */
  ldap_sendas_attribute: string;
  ldap_sendas_attribute_type: LdapValueType;
  /** For `text`: the user attribute the values refer to; empty = ldap_user_unique_attribute. */
  ldap_sendas_relation_attribute: string;
  ldap_group_unique_attribute: string;
  ldap_groupname_attribute: string;
  ldap_groupmembers_attribute: string;
  ldap_groupmembers_attribute_type: LdapValueType;
  /** For `text`: the user attribute the member values refer to; empty = ldap_user_unique_attribute. */
  ldap_groupmembers_relation_attribute: string;
  ldap_quotaoverride_attribute: string;
  ldap_warnquota_attribute: string;
  ldap_softquota_attribute: string;
  ldap_hardquota_attribute: string;
  /** Quota attribute value × multiplier = bytes. */
  ldap_quota_multiplier: number;
  /** KGC maps these through ldap.propmap.cfg (0x67B3101E / 0x67B4101E); here they are plain settings. */
  ldap_enabled_features_attribute: string;
  ldap_disabled_features_attribute: string;
}

/**
 * KGC's OpenLDAP template (installer/linux/ldap.m4 with TYPE=OPENLDAP), plus the built-in defaults for
 * the connection settings. The quota multiplier is 1: KGC's OpenLDAP template stores quotas in bytes
 * (the AD template uses 1048576, i.e. MB), even though kopano.schema describes the attributes as "in MB".
 */
export const LDAP_OPENLDAP_DEFAULTS: Readonly<LdapPluginConfig> = Object.freeze({
  ldap_uri: ['ldap://localhost:389/'],
  ldap_starttls: false,
  ldap_bind_user: '',
  ldap_bind_passwd: '',
  ldap_search_base: '',
  ldap_network_timeout: 30,
  ldap_page_size: 1000,
  ldap_filter_cutoff_elements: 1000,
  ldap_object_type_attribute: 'objectClass',
  ldap_user_type_attribute_value: 'posixAccount',
  ldap_group_type_attribute_value: 'posixGroup',
  ldap_user_search_filter: '',
  ldap_group_search_filter: '',
  ldap_user_unique_attribute: 'uidNumber',
  ldap_loginname_attribute: 'uid',
  ldap_fullname_attribute: 'cn',
  ldap_emailaddress_attribute: 'mail',
  ldap_emailaliases_attribute: 'kopanoAliases',
  ldap_isadmin_attribute: 'kopanoAdmin',
  ldap_nonactive_attribute: 'kopanoSharedStoreOnly',
  ldap_sendas_attribute: 'kopanoSendAsPrivilege',
  ldap_sendas_attribute_type: 'text',
  ldap_sendas_relation_attribute: '',
  ldap_group_unique_attribute: 'gidNumber',
  ldap_groupname_attribute: 'cn',
  ldap_groupmembers_attribute: 'memberUid',
  ldap_groupmembers_attribute_type: 'text',
  ldap_groupmembers_relation_attribute: 'uid',
  ldap_quotaoverride_attribute: 'kopanoQuotaOverride',
  ldap_warnquota_attribute: 'kopanoQuotaWarn',
  ldap_softquota_attribute: 'kopanoQuotaSoft',
  ldap_hardquota_attribute: 'kopanoQuotaHard',
  ldap_quota_multiplier: 1,
  ldap_enabled_features_attribute: 'kopanoEnabledFeatures',
  ldap_disabled_features_attribute: 'kopanoDisabledFeatures',
});

/** Attribute keys that must name an attribute (the rest may be empty = unmapped). */
const REQUIRED_ATTRIBUTES = [
  'ldap_object_type_attribute',
  'ldap_user_unique_attribute',
  'ldap_loginname_attribute',
  'ldap_group_unique_attribute',
  'ldap_groupname_attribute',
] as const satisfies readonly (keyof LdapPluginConfig)[];

const OPTIONAL_ATTRIBUTES = [
  'ldap_fullname_attribute',
  'ldap_emailaddress_attribute',
  'ldap_emailaliases_attribute',
  'ldap_isadmin_attribute',
  'ldap_nonactive_attribute',
  'ldap_sendas_attribute',
  'ldap_sendas_relation_attribute',
  'ldap_groupmembers_attribute',
  'ldap_groupmembers_relation_attribute',
  'ldap_quotaoverride_attribute',
  'ldap_warnquota_attribute',
  'ldap_softquota_attribute',
  'ldap_hardquota_attribute',
  'ldap_enabled_features_attribute',
  'ldap_disabled_features_attribute',
] as const satisfies readonly (keyof LdapPluginConfig)[];

/** RFC 4512 descr or numericoid. Attribute names go into filters unescaped, so they must be exactly this. */
const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;

function invalid(key: string, why: string): KcError {
  return new KcError('KCERR_INVALID_PARAMETER', `ldap config ${key}: ${why}`, { key });
}

/** Wraps a bare `attr=value` filter in parentheses, as libldap accepts both. */
export function normalizeFilter(filter: string): string {
  const trimmed = filter.trim();
  if (trimmed === '' || trimmed.startsWith('(')) return trimmed;
  return `(${trimmed})`;
}

/**
 * Merges `overrides` over {@link LDAP_OPENLDAP_DEFAULTS} and checks the result.
 * Throws KcError KCERR_INVALID_PARAMETER naming the bad key.
 */
export function resolveLdapConfig(overrides: Partial<LdapPluginConfig>): LdapPluginConfig {
  const config: LdapPluginConfig = { ...LDAP_OPENLDAP_DEFAULTS, ...overrides };
  const uris = config.ldap_uri.flatMap((entry) => entry.split(/\s+/)).filter((uri) => uri !== '');
  if (uris.length === 0) throw invalid('ldap_uri', 'no server configured');
  for (const uri of uris) {
    if (!/^ldaps?:\/\/[^/\s]+\/?$/i.test(uri)) throw invalid('ldap_uri', `not an ldap:// or ldaps:// URI: ${uri}`);
  }
  config.ldap_uri = uris;
  if (config.ldap_search_base.trim() === '') throw invalid('ldap_search_base', 'must not be empty');
  if (config.ldap_bind_user !== '' && config.ldap_bind_passwd === '') {
    // libldap would turn this into an unauthenticated bind; KGC refuses it the same way.
    throw invalid('ldap_bind_passwd', 'a bind user needs a password');
  }
  if (!(config.ldap_network_timeout > 0)) throw invalid('ldap_network_timeout', 'must be > 0 seconds');
  if (!Number.isInteger(config.ldap_page_size) || config.ldap_page_size < 0) {
    throw invalid('ldap_page_size', 'must be a whole number >= 0');
  }
  if (config.ldap_page_size === 0) config.ldap_page_size = LDAP_OPENLDAP_DEFAULTS.ldap_page_size;
  if (!Number.isInteger(config.ldap_filter_cutoff_elements) || config.ldap_filter_cutoff_elements < 0) {
    throw invalid('ldap_filter_cutoff_elements', 'must be a whole number >= 0');
  }
  if (!(config.ldap_quota_multiplier > 0)) throw invalid('ldap_quota_multiplier', 'must be > 0');
  for (const key of REQUIRED_ATTRIBUTES) {
    if (!ATTRIBUTE_NAME.test(config[key])) throw invalid(key, `not an attribute name: "${config[key]}"`);
  }
  for (const key of OPTIONAL_ATTRIBUTES) {
    if (config[key] !== '' && !ATTRIBUTE_NAME.test(config[key])) {
      throw invalid(key, `not an attribute name: "${config[key]}"`);
    }
  }
  for (const key of ['ldap_user_type_attribute_value', 'ldap_group_type_attribute_value'] as const) {
    if (splitClasses(config[key]).length === 0) throw invalid(key, 'must name at least one object class');
  }
  for (const key of ['ldap_sendas_attribute_type', 'ldap_groupmembers_attribute_type'] as const) {
    if (config[key] !== 'text' && config[key] !== 'dn') throw invalid(key, 'must be "text" or "dn"');
  }
  for (const key of ['ldap_user_search_filter', 'ldap_group_search_filter'] as const) {
    config[key] = normalizeFilter(config[key]);
    if (config[key] === '') continue;
    if (!isOneBalancedFilter(config[key])) throw invalid(key, `unbalanced parentheses: ${config[key]}`);
    try {
      FilterParser.parseString(config[key]);
    } catch (err) {
      throw invalid(key, `not an LDAP filter: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return config;
}

/**
 * RFC 4515 values carry parentheses only escaped, so a filter is one balanced group. Checked here because
 * ldapts' parser accepts some unbalanced input, and the filter is pasted into the plugin's own filters.
 */
function isOneBalancedFilter(filter: string): boolean {
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === '(') depth++;
    else if (filter[i] === ')') depth--;
    if (depth < 0 || (depth === 0 && i < filter.length - 1)) return false;
  }
  return depth === 0;
}

/** `"posixAccount, kopano-user"` → `['posixAccount', 'kopano-user']` (KGC: all listed classes must match). */
export function splitClasses(value: string): string[] {
  return value
    .split(',')
    .map((cls) => cls.trim())
    .filter((cls) => cls !== '');
}
