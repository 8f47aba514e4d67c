export { type ServerConfig, serverConfig } from './config.js';
export {
  type RunningServer,
  type StartServerOptions,
  serviceSecretOf,
  startServer,
  storageConfigOf,
} from './server.js';
export type { StorageConfig } from './storage/config.js';
export { openStorage, Storage } from './storage/storage.js';
export { LDAP_OPENLDAP_DEFAULTS, type LdapPluginConfig } from './users/ldap-config.js';
export { createLdapPlugin, LdapUserPlugin } from './users/ldap-plugin.js';
export { hashPassword, verifyPassword } from './users/password.js';
export type { UserPlugin } from './users/user-plugin.js';
