/** Reads KGC's ldap.cfg (user_plugin_config) into the plugin's settings, with the same cfg rules. */
import { bool, type CfgField, defineConfig, int, list, loadConfig, secret, str } from '@kgc/config';
import { LDAP_OPENLDAP_DEFAULTS, type LdapPluginConfig, resolveLdapConfig } from './ldap-config.js';

function fieldFor(key: string, v: unknown): CfgField<unknown> {
  if (key === 'ldap_bind_passwd') return secret(String(v)) as CfgField<unknown>;
  if (typeof v === 'boolean') return bool(v) as CfgField<unknown>;
  if (typeof v === 'number') return int(v, { min: 0 }) as CfgField<unknown>;
  if (Array.isArray(v)) return list(v.map(String)) as CfgField<unknown>;
  return str(String(v)) as CfgField<unknown>;
}

export const ldapConfig = defineConfig(
  Object.fromEntries(Object.entries(LDAP_OPENLDAP_DEFAULTS).map(([k, v]) => [k, fieldFor(k, v)])),
);

export function loadLdapConfig(file: string, env?: Record<string, string | undefined>): LdapPluginConfig {
  const values = loadConfig(ldapConfig, { file, required: true, ...(env ? { env } : {}) });
  return resolveLdapConfig(values as Partial<LdapPluginConfig>);
}
