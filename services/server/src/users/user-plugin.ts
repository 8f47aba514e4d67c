/**
 * The user plugin port (KGC `user_plugin`): where users and groups come from.
 * `db` keeps them in the server's own tables; `ldap` reads a directory and is read-only.
 */
export type Feature = 'imap' | 'pop3';

export interface DirectoryQuota {
  /** true: the user's own limits apply; false: the server defaults (quota_warn/soft/hard). */
  override: boolean;
  /** Limits in bytes; 0 = no limit. */
  warn: number;
  soft: number;
  hard: number;
}

export interface DirectoryUser {
  /** Stable id in the source (db: the row id as text; ldap: ldap_user_unique_attribute). */
  externId: string;
  loginName: string;
  fullName: string;
  email: string | null;
  aliases: string[];
  isAdmin: boolean;
  active: boolean;
  quota: DirectoryQuota | null;
  /** Features switched on/off for this user, overriding the server's `disabled_features`. */
  enabledFeatures: Feature[];
  disabledFeatures: Feature[];
  /** Login names of users who may send as this user. */
  sendAs: string[];
}

/** What a successful password check tells: the canonical login name, and whether the user may log in. */
export type AuthenticatedUser = Pick<DirectoryUser, 'loginName' | 'active'>;

export interface DirectoryGroup {
  externId: string;
  name: string;
  email: string | null;
  /** Login names of the members. */
  members: string[];
}

export interface UserPlugin {
  readonly name: 'db' | 'ldap';
  /** false for ldap: create/update/delete are refused with KCERR_NO_SUPPORT. */
  readonly writable: boolean;
  /**
   * Verify a password; null when the user does not exist or the password is wrong. Only who it is
   * comes back (the directory reads the rest with findUser when it syncs): the db plugin answers
   * from the credentials row, without reading the user's details.
   */
  authenticate(loginName: string, password: string): Promise<AuthenticatedUser | null>;
  findUser(loginName: string): Promise<DirectoryUser | null>;
  /** By primary address or alias (case-insensitive). */
  findUserByEmail(email: string): Promise<DirectoryUser | null>;
  listUsers(): Promise<DirectoryUser[]>;
  listGroups(): Promise<DirectoryGroup[]>;
  findGroup(name: string): Promise<DirectoryGroup | null>;
  close(): Promise<void>;
}
