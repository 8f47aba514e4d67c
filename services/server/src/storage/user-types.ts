import type { Feature } from '../users/user-plugin.js';
import type { UserQuota } from './quota.js';

export type UserSource = 'db' | 'ldap';

export interface UserRecord {
  id: number;
  loginName: string;
  fullName: string;
  /** Primary address; not unique (directories may repeat it; resolveUsers reports the ambiguity). */
  email: string | null;
  isAdmin: boolean;
  active: boolean;
  source: UserSource;
  /** Id in the directory (ldap_user_unique_attribute); null for db users. */
  externId: string | null;
  /** A password hash is stored (db users). */
  hasPassword: boolean;
  quota: UserQuota;
  enabledFeatures: Feature[];
  disabledFeatures: Feature[];
  /** The user's private store, if created. */
  storeId: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface UserRef {
  id: number;
  loginName: string;
}

/** A user with aliases and the users allowed to send as them (KGC getUser + getSendAsList). */
export interface UserDetails extends UserRecord {
  aliases: string[];
  sendAs: UserRef[];
}

export interface NewUser {
  loginName: string;
  fullName?: string;
  email?: string | null;
  /** Clear text; hashed (Argon2id) before the transaction. */
  password?: string | null;
  isAdmin?: boolean;
  active?: boolean;
  quota?: UserQuota;
  enabledFeatures?: Feature[];
  disabledFeatures?: Feature[];
  aliases?: string[];
  /** Create the private store with the default folders (default true). */
  createStore?: boolean;
}

export interface UserUpdate {
  loginName?: string;
  fullName?: string;
  email?: string | null;
  /** null removes the password (logon impossible). */
  password?: string | null;
  isAdmin?: boolean;
  active?: boolean;
}

export type ResolveResult =
  | { query: string; status: 'found'; user: UserRecord }
  | { query: string; status: 'not-found' }
  | { query: string; status: 'ambiguous'; users: UserRecord[] };

export interface FeatureSettings {
  enabled: Feature[];
  disabled: Feature[];
}

export interface GroupRecord {
  id: number;
  name: string;
  email: string | null;
  source: UserSource;
  externId: string | null;
  createdAt: number;
}

export interface NewGroup {
  name: string;
  email?: string | null;
  memberIds?: number[];
}

export interface GroupUpdate {
  name?: string;
  email?: string | null;
}
