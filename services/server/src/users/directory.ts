/**
 * Users as the operations see them: the configured plugin (db or ldap) joined with the server's
 * own user rows. An ldap user gets a row and a store on first logon (KGC creates the store on
 * first use) and is re-synced from the directory whenever it is looked up for a logon.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { KcError } from '@kgc/soap';
import { AUTH_CACHE_MAX, AUTH_CACHE_TTL_MS } from '../limits.js';
import type { Storage } from '../storage/storage.js';
import type { UserRecord } from '../storage/user-types.js';
import type { UserPlugin } from './user-plugin.js';

export class UserDirectory {
  private readonly cacheKey = randomBytes(32);
  /** HMAC(login, password) -> user id and expiry. Never the password itself. */
  private readonly authCache = new Map<string, { userId: number; expires: number }>();

  constructor(
    private readonly storage: Storage,
    readonly plugin: UserPlugin,
  ) {}

  get writable(): boolean {
    return this.plugin.writable;
  }

  assertWritable(): void {
    if (!this.plugin.writable) {
      throw new KcError('KCERR_NO_SUPPORT', `users come from the ${this.plugin.name} plugin, which is read-only`);
    }
  }

  /** Login name or email address + password; null when wrong, unknown or not active. */
  async authenticate(login: string, password: string): Promise<UserRecord | null> {
    if (password === '') return null;
    const key = createHmac('sha256', this.cacheKey)
      .update(login.toLowerCase())
      .update('\0')
      .update(password)
      .digest('hex');
    const hit = this.authCache.get(key);
    if (hit && hit.expires > Date.now()) {
      const u = await this.storage.users.getUser(hit.userId).catch(() => null);
      if (u?.active) return u;
    }
    this.authCache.delete(key);
    const loginName = await this.loginNameOf(login);
    const du = await this.plugin.authenticate(loginName ?? login, password);
    if (!du?.active) return null;
    const user = await this.sync(du.loginName);
    if (!user?.active) return null;
    if (this.authCache.size >= AUTH_CACHE_MAX) this.authCache.delete(this.authCache.keys().next().value as string);
    this.authCache.set(key, { userId: user.id, expires: Date.now() + AUTH_CACHE_TTL_MS });
    return user;
  }

  /** Forget cached logons (password change, deletion, deactivation). */
  forget(): void {
    this.authCache.clear();
  }

  /** A user by login name or address, synced from the directory (ldap) with a store; null when unknown. */
  async findForLogon(login: string): Promise<UserRecord | null> {
    const loginName = await this.loginNameOf(login);
    if (this.plugin.name === 'db') {
      return loginName ? this.storage.users.findUserByLogin(loginName) : null;
    }
    return this.sync(loginName ?? login);
  }

  /** The login name behind an address (db rows first, then the directory); null when unknown. */
  private async loginNameOf(login: string): Promise<string | null> {
    const [r] = await this.storage.users.resolveUsers([login]);
    if (r?.status === 'found') return r.user.loginName;
    if (r?.status === 'ambiguous') throw new KcError('KCERR_COLLISION', `${login} names more than one user`);
    if (this.plugin.name !== 'db' && login.includes('@')) {
      const du = await this.plugin.findUserByEmail(login);
      return du?.loginName ?? null;
    }
    return this.plugin.name === 'db' ? null : login;
  }

  /** ldap: pull the user from the directory into our rows (creating the store); db: read the row. */
  private async sync(loginName: string): Promise<UserRecord | null> {
    if (this.plugin.name === 'db') return this.storage.users.findUserByLogin(loginName);
    const du = await this.plugin.findUser(loginName);
    if (!du) return null;
    const r = await this.storage.users.upsertDirectoryUser(du, { createStore: true });
    return r.user;
  }

  /** ldap: sync every directory user (kgc-admin -l, getUserList). */
  async syncAll(): Promise<void> {
    if (this.plugin.name === 'db') return;
    for (const du of await this.plugin.listUsers())
      await this.storage.users.upsertDirectoryUser(du, { createStore: false });
    for (const dg of await this.plugin.listGroups()) await this.storage.groups.upsertDirectoryGroup(dg);
  }
}
