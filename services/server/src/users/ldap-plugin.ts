import type { ConnectionOptions } from 'node:tls';
import { KcError } from '@kgc/soap';
import { ResultCodeError } from 'ldapts';
import { type LdapPluginConfig, type LdapValueType, resolveLdapConfig, splitClasses } from './ldap-config.js';
import { LDAP_RESULT, LdapConnection } from './ldap-connection.js';
import { EntryView, parseFlag, readFeatures, readQuota } from './ldap-entry.js';
import { and, equals, or } from './ldap-filter.js';
import type { DirectoryGroup, DirectoryUser, UserPlugin } from './user-plugin.js';

export interface LdapPluginOptions {
  /** CA / client certificate for ldaps:// and ldap_starttls (KGC took these from /etc/ldap/ldap.conf). */
  tls?: ConnectionOptions;
}

/** Values per OR filter when resolving `text` relation attributes. */
const RELATION_BATCH = 100;

type UserWithoutSendAs = Omit<DirectoryUser, 'sendAs'>;

interface ParsedUser {
  user: UserWithoutSendAs;
  sendAsValues: string[];
}

interface ParsedGroup {
  group: Omit<DirectoryGroup, 'members'>;
  memberValues: string[];
}

/** value → login name; keys are exact DNs for `dn` relations and lower-cased values for `text` relations. */
type LoginIndex = Map<string, string>;

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

function chunks<T>(values: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/**
 * KGC's `ldap` user plugin: users and groups from OpenLDAP (or AD with the matching settings), read-only.
 * Passwords are checked by a simple bind as the user's DN on a fresh connection (ldap_authentication_method=bind).
 * Every value from a caller goes into filters through {@link equals} (RFC 4515 escaping); no caller value is
 * ever put into a DN, DNs only come back from the directory.
 */
export class LdapUserPlugin implements UserPlugin {
  readonly name = 'ldap';
  readonly writable = false;
  readonly config: Readonly<LdapPluginConfig>;
  readonly #connection: LdapConnection;
  readonly #userFilter: string;
  readonly #groupFilter: string;
  readonly #userAttributes: string[];
  readonly #groupAttributes: string[];

  /** Throws KcError KCERR_INVALID_PARAMETER for a bad config; does not connect yet. */
  constructor(config: Partial<LdapPluginConfig>, options: LdapPluginOptions = {}) {
    const c = resolveLdapConfig(config);
    this.config = Object.freeze(c);
    this.#connection = new LdapConnection({
      uris: c.ldap_uri,
      startTls: c.ldap_starttls,
      bindDn: c.ldap_bind_user,
      bindPassword: c.ldap_bind_passwd,
      timeoutMs: c.ldap_network_timeout * 1000,
      ...(options.tls ? { tls: options.tls } : {}),
    });
    const classFilter = (classes: string) =>
      and(...splitClasses(classes).map((cls) => equals(c.ldap_object_type_attribute, cls)));
    this.#userFilter = and(classFilter(c.ldap_user_type_attribute_value), c.ldap_user_search_filter);
    this.#groupFilter = and(classFilter(c.ldap_group_type_attribute_value), c.ldap_group_search_filter);
    this.#userAttributes = unique(
      [
        c.ldap_user_unique_attribute,
        c.ldap_loginname_attribute,
        c.ldap_fullname_attribute,
        c.ldap_emailaddress_attribute,
        c.ldap_emailaliases_attribute,
        c.ldap_isadmin_attribute,
        c.ldap_nonactive_attribute,
        c.ldap_sendas_attribute,
        c.ldap_quotaoverride_attribute,
        c.ldap_warnquota_attribute,
        c.ldap_softquota_attribute,
        c.ldap_hardquota_attribute,
        c.ldap_enabled_features_attribute,
        c.ldap_disabled_features_attribute,
      ].filter((attr) => attr !== ''),
    );
    this.#groupAttributes = unique(
      [
        c.ldap_group_unique_attribute,
        c.ldap_groupname_attribute,
        c.ldap_emailaddress_attribute,
        c.ldap_groupmembers_attribute,
      ].filter((attr) => attr !== ''),
    );
  }

  async authenticate(loginName: string, password: string): Promise<DirectoryUser | null> {
    if (loginName === '' || password === '') return null;
    const entries = await this.#searchUsers(equals(this.config.ldap_loginname_attribute, loginName));
    const [entry] = entries;
    const parsed = entry && entries.length === 1 ? this.#parseUser(entry) : null;
    // Non-active users (shared stores) cannot log in, as in KGC.
    if (!entry || !parsed?.user.active) return null;
    if (!(await this.#connection.checkPassword(entry.dn, password))) return null;
    const [user] = await this.#withSendAs([parsed]);
    return user ?? null;
  }

  async findUser(loginName: string): Promise<DirectoryUser | null> {
    if (loginName === '') return null;
    return this.#findOneUser(equals(this.config.ldap_loginname_attribute, loginName), loginName);
  }

  async findUserByEmail(email: string): Promise<DirectoryUser | null> {
    const c = this.config;
    const byAddress = [c.ldap_emailaddress_attribute, c.ldap_emailaliases_attribute]
      .filter((attr) => attr !== '')
      .map((attr) => equals(attr, email));
    if (email === '' || byAddress.length === 0) return null;
    return this.#findOneUser(or(...byAddress), email);
  }

  async listUsers(): Promise<DirectoryUser[]> {
    const entries = await this.#searchUsers('', true);
    const parsed: ParsedUser[] = [];
    const known: LoginIndex = new Map();
    for (const entry of entries) {
      const user = this.#parseUser(entry);
      if (!user) continue;
      parsed.push(user);
      known.set(entry.dn, user.user.loginName);
    }
    return this.#withSendAs(parsed, known);
  }

  async listGroups(): Promise<DirectoryGroup[]> {
    const entries = await this.#search(this.config.ldap_search_base, this.#groupFilter, this.#groupAttributes, true);
    return this.#withMembers(entries.map((entry) => this.#parseGroup(entry)).filter((group) => group !== null));
  }

  async findGroup(name: string): Promise<DirectoryGroup | null> {
    if (name === '') return null;
    const filter = and(this.#groupFilter, equals(this.config.ldap_groupname_attribute, name));
    const entries = await this.#search(this.config.ldap_search_base, filter, this.#groupAttributes, false);
    const groups = entries.map((entry) => this.#parseGroup(entry)).filter((group) => group !== null);
    if (groups.length > 1) throw new KcError('KCERR_COLLISION', `${groups.length} LDAP groups are named "${name}"`);
    const [group] = await this.#withMembers(groups);
    return group ?? null;
  }

  async close(): Promise<void> {
    await this.#connection.close();
  }

  async #findOneUser(condition: string, what: string): Promise<DirectoryUser | null> {
    const parsed = (await this.#searchUsers(condition))
      .map((entry) => this.#parseUser(entry))
      .filter((user) => user !== null);
    if (parsed.length > 1) throw new KcError('KCERR_COLLISION', `${parsed.length} LDAP users match "${what}"`);
    const [user] = await this.#withSendAs(parsed);
    return user ?? null;
  }

  #searchUsers(condition: string, paged = false, attributes = this.#userAttributes): Promise<EntryView[]> {
    return this.#search(this.config.ldap_search_base, and(this.#userFilter, condition), attributes, paged);
  }

  /** Subtree search below `base`, or a base-object search of `base` itself. */
  async #search(base: string, filter: string, attributes: string[], paged: boolean, scope: 'base' | 'sub' = 'sub') {
    try {
      const entries = await this.#connection.search(base, {
        filter,
        scope,
        attributes,
        ...(paged ? { pageSize: this.config.ldap_page_size } : {}),
      });
      return entries.map((entry) => new EntryView(entry));
    } catch (err) {
      if (!(err instanceof ResultCodeError)) throw err;
      const overloaded = err.code === LDAP_RESULT.busy || err.code === LDAP_RESULT.unavailable;
      // A relation DN that is missing, malformed or hidden from us is no user (KGC drops those too);
      // a failing subtree search means the search base or a configured filter is wrong.
      if (scope === 'base' && !overloaded) return [];
      const code = overloaded ? 'KCERR_NETWORK_ERROR' : 'KCERR_UNKNOWN';
      throw new KcError(code, `LDAP search below "${base}" failed: ${err.message}`, { ldapCode: err.code });
    }
  }

  /** null for entries without a unique id or login name (KGC skips those too). */
  #parseUser(entry: EntryView): ParsedUser | null {
    const c = this.config;
    const externId = entry.first(c.ldap_user_unique_attribute);
    const loginName = entry.first(c.ldap_loginname_attribute);
    if (!externId || !loginName) return null;
    return {
      user: {
        externId,
        loginName,
        fullName: entry.first(c.ldap_fullname_attribute) ?? '',
        email: entry.first(c.ldap_emailaddress_attribute),
        aliases: entry.all(c.ldap_emailaliases_attribute),
        isAdmin: parseFlag(entry.first(c.ldap_isadmin_attribute)),
        active: !parseFlag(entry.first(c.ldap_nonactive_attribute)),
        quota: readQuota(entry, {
          override: c.ldap_quotaoverride_attribute,
          warn: c.ldap_warnquota_attribute,
          soft: c.ldap_softquota_attribute,
          hard: c.ldap_hardquota_attribute,
          multiplier: c.ldap_quota_multiplier,
        }),
        enabledFeatures: readFeatures(entry.all(c.ldap_enabled_features_attribute)),
        disabledFeatures: readFeatures(entry.all(c.ldap_disabled_features_attribute)),
      },
      sendAsValues: entry.all(c.ldap_sendas_attribute),
    };
  }

  #parseGroup(entry: EntryView): ParsedGroup | null {
    const c = this.config;
    const externId = entry.first(c.ldap_group_unique_attribute);
    const name = entry.first(c.ldap_groupname_attribute);
    if (!externId || !name) return null;
    return {
      group: { externId, name, email: entry.first(c.ldap_emailaddress_attribute) },
      memberValues: entry.all(c.ldap_groupmembers_attribute),
    };
  }

  async #withSendAs(parsed: ParsedUser[], known?: LoginIndex): Promise<DirectoryUser[]> {
    const c = this.config;
    const type = c.ldap_sendas_attribute_type;
    const relation = c.ldap_sendas_relation_attribute || c.ldap_user_unique_attribute;
    const logins = await this.#resolveLogins(
      parsed.flatMap((p) => p.sendAsValues),
      type,
      relation,
      known,
    );
    return parsed.map(({ user, sendAsValues }) => ({
      ...user,
      sendAs: this.#lookup(sendAsValues, type, logins),
    }));
  }

  async #withMembers(parsed: ParsedGroup[]): Promise<DirectoryGroup[]> {
    const c = this.config;
    const type = c.ldap_groupmembers_attribute_type;
    const relation = c.ldap_groupmembers_relation_attribute || c.ldap_user_unique_attribute;
    const values = unique(parsed.flatMap((p) => p.memberValues));
    let known: LoginIndex | undefined;
    const cutoff = c.ldap_filter_cutoff_elements;
    if (type === 'dn' && cutoff > 0 && values.length > cutoff) known = await this.#allUserDns();
    const logins = await this.#resolveLogins(values, type, relation, known);
    return parsed.map(({ group, memberValues }) => ({ ...group, members: this.#lookup(memberValues, type, logins) }));
  }

  #lookup(values: string[], type: LdapValueType, logins: LoginIndex): string[] {
    const found = values.map((value) => logins.get(type === 'dn' ? value : value.toLowerCase()));
    return unique(found.filter((login) => login !== undefined));
  }

  /** Login names of the users that `values` refer to; values that are no user of this plugin are left out. */
  async #resolveLogins(
    values: string[],
    type: LdapValueType,
    relation: string,
    known?: LoginIndex,
  ): Promise<LoginIndex> {
    const logins: LoginIndex = new Map();
    const login = this.config.ldap_loginname_attribute;
    if (type === 'dn') {
      for (const dn of unique(values)) {
        const hit = known?.get(dn);
        if (hit !== undefined) {
          logins.set(dn, hit);
          continue;
        }
        const [entry] = await this.#search(
          dn,
          this.#userFilter,
          [login, this.config.ldap_user_unique_attribute],
          false,
          'base',
        );
        const name = entry && this.#parseUserRef(entry);
        if (name) logins.set(dn, name);
      }
      return logins;
    }
    const wanted = new Set(values.map((value) => value.toLowerCase()));
    for (const batch of chunks([...wanted], RELATION_BATCH)) {
      const condition = or(...batch.map((value) => equals(relation, value)));
      const attributes = unique([login, relation, this.config.ldap_user_unique_attribute]);
      for (const entry of await this.#searchUsers(condition, true, attributes)) {
        const name = this.#parseUserRef(entry);
        if (!name) continue;
        for (const value of entry.all(relation)) {
          if (wanted.has(value.toLowerCase())) logins.set(value.toLowerCase(), name);
        }
      }
    }
    return logins;
  }

  /** The login name of a user entry that is a proper user (has a unique id), else null. */
  #parseUserRef(entry: EntryView): string | null {
    if (!entry.first(this.config.ldap_user_unique_attribute)) return null;
    return entry.first(this.config.ldap_loginname_attribute);
  }

  async #allUserDns(): Promise<LoginIndex> {
    const attributes = [this.config.ldap_loginname_attribute, this.config.ldap_user_unique_attribute];
    const index: LoginIndex = new Map();
    for (const entry of await this.#searchUsers('', true, attributes)) {
      const name = this.#parseUserRef(entry);
      if (name) index.set(entry.dn, name);
    }
    return index;
  }
}

/** The `ldap` user plugin with `config` over KGC's OpenLDAP defaults. */
export function createLdapPlugin(config: Partial<LdapPluginConfig>, options: LdapPluginOptions = {}): UserPlugin {
  return new LdapUserPlugin(config, options);
}
