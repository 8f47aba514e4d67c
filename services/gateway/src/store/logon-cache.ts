/**
 * Server sessions of recent logins, reused by the next login of the same user with the same
 * password within LOGON_CACHE_MS (Dovecot's auth cache, in effect): a client that opens a
 * connection per folder, or reconnects every few minutes, costs one server logon (a session row
 * written and, at logout, deleted) per period instead of one per connection. The password is kept
 * only as an HMAC under a per-process random key, and a cached session is checked with one read
 * before it is handed out, so a user deactivated or deleted is refused at once. What the cache
 * allows for at most its TTL: a changed password or a disabled feature applies to new server
 * logons at once and to cached ones when they expire. A feature enabled applies at once (a cached
 * logon without it is not trusted: the server is asked again). Failed logins are never cached.
 * Logins that arrive while the same user's server logon with the same password is under way wait
 * for it rather than make their own (a client opening five connections at once, or every client
 * reconnecting after a restart, costs one password check on the server per user).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KgcSession } from '@kgc/soap';
import { LOGON_CACHE_MAX, LOGON_CACHE_MS } from '../limits.js';
import type { FolderInfo } from './types.js';

export interface CachedLogon {
  session: KgcSession;
  /** The user's canonical name and store, and features, as the logon found them. */
  username: string;
  storeId: number;
  features: readonly string[];
  /** Shared by the stores opened on this session: the folder list (see SoapMailStore.folders). */
  shared: SharedStoreState;
}

export interface SharedStoreState {
  hierarchy?: { at: number; folders: Promise<FolderInfo[]> };
}

interface Entry {
  logon: CachedLogon;
  verifier: Buffer;
  expires: number;
  refs: number;
  /** Still handed out (false once expired or replaced: logged off when the last user leaves). */
  live: boolean;
}

export class LogonCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, Entry>();
  private readonly byLogon = new Map<CachedLogon, Entry>();

  constructor(
    private readonly logoff: (session: KgcSession) => void,
    private readonly ttlMs = LOGON_CACHE_MS,
    private readonly max = LOGON_CACHE_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  private verifier(username: string, password: string): Buffer {
    return createHmac('sha256', this.key).update(username).update('\0').update(password).digest();
  }

  /** Stands for this user and password (an HMAC: the password itself is not kept). */
  keyOf(username: string, password: string): string {
    return this.verifier(username, password).toString('base64');
  }

  /** A live logon of `username` made with this password; the caller must release() it. */
  acquire(username: string, password: string): CachedLogon | undefined {
    const e = this.entries.get(username);
    if (!e) return undefined;
    if (!e.live || e.expires <= this.now()) {
      this.retire(username, e);
      return undefined;
    }
    if (!timingSafeEqual(e.verifier, this.verifier(username, password))) return undefined;
    e.refs++;
    return e.logon;
  }

  /** Remembers a fresh logon (held once by the caller, who releases it). */
  add(username: string, password: string, logon: CachedLogon): void {
    const old = this.entries.get(username);
    if (old) this.retire(username, old);
    if (this.entries.size >= this.max) {
      for (const [name, e] of this.entries) {
        this.retire(name, e);
        if (this.entries.size < this.max) break;
      }
    }
    const e: Entry = {
      logon,
      verifier: this.verifier(username, password),
      expires: this.now() + this.ttlMs,
      refs: 1,
      live: true,
    };
    this.entries.set(username, e);
    this.byLogon.set(logon, e);
  }

  /** One user of `logon` left; an expired or replaced logon is logged off with its last user. */
  release(logon: CachedLogon): void {
    const e = this.byLogon.get(logon);
    if (!e) {
      this.logoff(logon.session);
      return;
    }
    e.refs--;
    if (e.expires <= this.now()) e.live = false;
    if (!e.live && e.refs <= 0) {
      this.byLogon.delete(logon);
      this.logoff(logon.session);
    }
  }

  /** No longer hands out the logon of `username` (it is logged off once unused). */
  forget(username: string): void {
    const e = this.entries.get(username);
    if (e) this.retire(username, e);
  }

  /** Logs off what expired and is unused (called now and then). */
  sweep(): void {
    const now = this.now();
    for (const [name, e] of this.entries) if (e.expires <= now) this.retire(name, e);
  }

  /** Everything: at shutdown. */
  clear(): void {
    for (const [name, e] of this.entries) this.retire(name, e);
  }

  get size(): number {
    return this.entries.size;
  }

  private retire(username: string, e: Entry): void {
    if (this.entries.get(username) === e) this.entries.delete(username);
    e.live = false;
    if (e.refs <= 0 && this.byLogon.delete(e.logon)) this.logoff(e.logon.session);
  }
}
