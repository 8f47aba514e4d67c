/**
 * What the spooler asks the server about users: a user's primary address, who an address
 * belongs to, and the send-as check (KGC: the owner must be in the represented user's send-as
 * list). Looked up through the service session, cached briefly (USER_CACHE_MS).
 */

import type { ServerLink } from '@kgc/soap';
import { KcError, type Output } from '@kgc/soap';
import { addressKey } from './addresses.js';
import { FOLDER_CACHE_MAX, FOLDER_CACHE_MS, USER_CACHE_MAX, USER_CACHE_MS } from './limits.js';
import { TtlCache } from './ttl-cache.js';

type User = Output<'getUser'>['user'];
type Folder = Output<'getHierarchy'>['folders'][number];

export type SendAsVerdict = { ok: true; as: 'self' | 'send-as'; username: string } | { ok: false; reason: string };

export class Directory {
  private readonly users = new TtlCache<User>(USER_CACHE_MS, USER_CACHE_MAX);
  /** Address -> login name; '' for an address no user has. */
  private readonly owners = new TtlCache<string>(USER_CACHE_MS, USER_CACHE_MAX);
  private readonly folders = new TtlCache<Folder[]>(FOLDER_CACHE_MS, FOLDER_CACHE_MAX);

  constructor(private readonly link: ServerLink) {}

  user(username: string): Promise<User> {
    return this.users.through(username.toLowerCase(), async () => (await this.link.call('getUser', { username })).user);
  }

  /** The login name of the user with this address (or alias), or null. */
  async ownerOf(address: string): Promise<string | null> {
    const name = await this.owners.through(addressKey(address), async () => {
      try {
        return (await this.link.call('resolveEmail', { email: address })).username;
      } catch (e) {
        if (e instanceof KcError && (e.code === 'KCERR_NOT_FOUND' || e.code === 'KCERR_COLLISION')) return '';
        throw e;
      }
    });
    return name === '' ? null : name;
  }

  /**
   * May `owner` send with `from` as the From address? Server trouble throws (the caller retries).
   * A refusal is never taken from the cache: a send-as right granted a moment ago counts.
   */
  async mayUseAddress(owner: string, from: string): Promise<SendAsVerdict> {
    const cached = await this.verdict(owner, from);
    if (cached.ok) return cached;
    this.owners.delete(addressKey(from));
    const holder = await this.ownerOf(from);
    if (holder !== null) this.users.delete(holder.toLowerCase());
    return this.verdict(owner, from);
  }

  private async verdict(owner: string, from: string): Promise<SendAsVerdict> {
    const holder = await this.ownerOf(from);
    if (holder === null) return { ok: false, reason: `${from} is not an address of ${owner}` };
    if (holder.toLowerCase() === owner.toLowerCase()) return { ok: true, as: 'self', username: holder };
    const represented = await this.user(holder);
    if (represented.sendAs.some((u) => u.toLowerCase() === owner.toLowerCase()))
      return { ok: true, as: 'send-as', username: holder };
    return { ok: false, reason: `${owner} may not send as ${from}` };
  }

  /** The folders of a store (Inbox for NDRs, Deleted Items). */
  storeFolders(storeId: number, fresh = false): Promise<Folder[]> {
    if (fresh) this.folders.delete(String(storeId));
    return this.folders.through(
      String(storeId),
      async () => (await this.link.call('getHierarchy', { storeId })).folders,
    );
  }

  async folderOfRole(storeId: number, role: string): Promise<Folder | undefined> {
    return (await this.storeFolders(storeId)).find((f) => f.specialUse === role);
  }
}
