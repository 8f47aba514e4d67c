import type { Storage } from '../storage/storage.js';
import type { UserDetails } from '../storage/user-types.js';
import { hashPassword, needsRehash, verifyPassword } from './password.js';
import type { AuthenticatedUser, DirectoryGroup, DirectoryUser, UserPlugin } from './user-plugin.js';

/** Hash checked when the user is unknown or has no password, so timing does not reveal which. */
let dummyHash: Promise<string> | undefined;

function toDirectoryUser(u: UserDetails): DirectoryUser {
  return {
    externId: String(u.id),
    loginName: u.loginName,
    fullName: u.fullName,
    email: u.email,
    aliases: u.aliases,
    isAdmin: u.isAdmin,
    active: u.active,
    quota: u.quota,
    enabledFeatures: u.enabledFeatures,
    disabledFeatures: u.disabledFeatures,
    sendAs: u.sendAs.map((s) => s.loginName),
  };
}

/**
 * KGC's `db` user plugin: users and groups live in the server's own tables, passwords as Argon2id
 * hashes (see password.ts). Writes go through Storage.users / Storage.groups; this port reads and
 * authenticates, and replaces a weaker stored hash (an earlier scrypt one) after a successful logon.
 */
export class DbUserPlugin implements UserPlugin {
  readonly name = 'db' as const;
  readonly writable = true;

  constructor(
    private readonly storage: Storage,
    /** Told when a weaker hash could not be replaced (the logon still succeeds; the next one retries). */
    private readonly onRehashError: (err: unknown) => void = () => {},
  ) {}

  async authenticate(loginName: string, password: string): Promise<AuthenticatedUser | null> {
    const cred = await this.storage.users.getCredentials(loginName);
    if (!cred || cred.passwordHash === null || cred.user.source !== 'db') {
      dummyHash ??= hashPassword('kgc-dummy-password');
      await verifyPassword(password, await dummyHash);
      return null;
    }
    if (!(await verifyPassword(password, cred.passwordHash))) return null;
    if (needsRehash(cred.passwordHash)) await this.rehash(cred.user.id, cred.passwordHash, password);
    return { loginName: cred.user.loginName, active: cred.user.active };
  }

  private async rehash(userId: number, oldHash: string, password: string): Promise<void> {
    try {
      await this.storage.users.upgradePasswordHash(userId, oldHash, await hashPassword(password));
    } catch (err) {
      this.onRehashError(err);
    }
  }

  async findUser(loginName: string): Promise<DirectoryUser | null> {
    const u = await this.storage.users.findUserByLogin(loginName);
    if (u?.source !== 'db') return null;
    return (await this.detailsOf([u.id]))[0] ?? null;
  }

  /** By primary address or alias; null when unknown or ambiguous. */
  async findUserByEmail(email: string): Promise<DirectoryUser | null> {
    const [r] = await this.storage.users.resolveUsers([email]);
    if (r?.status !== 'found' || r.user.source !== 'db') return null;
    const [d] = await this.storage.users.getUserDetails([r.user.id]);
    const key = email.toLowerCase();
    if (!d || (d.email?.toLowerCase() !== key && !d.aliases.some((a) => a.toLowerCase() === key))) return null;
    return toDirectoryUser(d);
  }

  async listUsers(): Promise<DirectoryUser[]> {
    const users = await this.storage.users.listUsers({ source: 'db' });
    return this.detailsOf(users.map((u) => u.id));
  }

  async listGroups(): Promise<DirectoryGroup[]> {
    const groups = (await this.storage.groups.listGroups()).filter((g) => g.source === 'db');
    return Promise.all(groups.map((g) => this.toDirectoryGroup(g.id, g.name, g.email)));
  }

  async findGroup(name: string): Promise<DirectoryGroup | null> {
    const g = await this.storage.groups.findGroupByName(name);
    if (g?.source !== 'db') return null;
    return this.toDirectoryGroup(g.id, g.name, g.email);
  }

  async close(): Promise<void> {
    // The storage belongs to the server, which closes it.
  }

  private async detailsOf(ids: number[]): Promise<DirectoryUser[]> {
    if (ids.length === 0) return [];
    return (await this.storage.users.getUserDetails(ids)).map(toDirectoryUser);
  }

  private async toDirectoryGroup(id: number, name: string, email: string | null): Promise<DirectoryGroup> {
    const members = await this.storage.groups.listGroupMembers(id);
    return { externId: String(id), name, email, members: members.map((m) => m.loginName) };
  }
}
