/**
 * Sessions live in SQL (they survive a restart and are shared by every server replica). A valid
 * session is cached here for a few seconds so that a burst of calls costs one lookup; the cache
 * never outlives the session's expiry and a logoff on this replica drops it at once.
 */
import { KcError } from '@kgc/soap';
import { MAX_SESSION_ID, SESSION_CACHE_MAX, SESSION_CACHE_MS } from '../limits.js';
import type { Storage } from '../storage/storage.js';
import type { Principal } from './principal.js';
import type { SessionManager } from './sessions.js';

interface Cached {
  principal: Principal;
  expiresAt: number;
  checkedAt: number;
}

export class SqlSessionManager implements SessionManager {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly storage: Storage,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async openUser(userId: number): Promise<string> {
    const { id } = await this.storage.sessions.createSession({ kind: 'user', userId, timeoutMs: this.timeoutMs });
    return id;
  }

  async openService(impersonateUserId?: number): Promise<string> {
    const { id } = await this.storage.sessions.createSession({
      kind: 'service',
      userId: null,
      impersonatedUserId: impersonateUserId ?? null,
      timeoutMs: this.timeoutMs,
    });
    return id;
  }

  async principal(sessionId: string): Promise<Principal> {
    return (await this.lookup(sessionId)).principal;
  }

  async expiresAt(sessionId: string): Promise<number> {
    return (await this.lookup(sessionId)).expiresAt;
  }

  async close(sessionId: string): Promise<void> {
    this.cache.delete(sessionId);
    await this.storage.sessions.deleteSession(sessionId);
  }

  async userChanged(userId: number, opts: { end?: boolean } = {}): Promise<void> {
    for (const [id, c] of this.cache) {
      if (c.principal.kind === 'user' && c.principal.userId === userId) this.cache.delete(id);
    }
    if (opts.end) await this.storage.sessions.deleteUserSessions(userId);
  }

  private async lookup(sessionId: string): Promise<Cached> {
    const now = this.now();
    const hit = this.cache.get(sessionId);
    if (hit && now - hit.checkedAt < SESSION_CACHE_MS && hit.expiresAt > now) return hit;
    this.cache.delete(sessionId);
    if (sessionId.length === 0 || sessionId.length > MAX_SESSION_ID) throw ended();
    const s = await this.storage.sessions.touchSession(sessionId);
    if (!s) throw ended();
    const userId = s.kind === 'user' ? s.userId : s.impersonatedUserId;
    let principal: Principal;
    if (userId === null) principal = { kind: 'service', sessionId };
    else {
      const u = await this.storage.users.getUser(userId).catch(() => null);
      if (!u?.active) throw ended();
      principal = {
        kind: 'user',
        sessionId,
        userId: u.id,
        loginName: u.loginName,
        storeId: u.storeId,
        isAdmin: u.isAdmin,
      };
    }
    const entry = { principal, expiresAt: s.expiresAt, checkedAt: now };
    if (this.cache.size > SESSION_CACHE_MAX) this.cache.clear();
    this.cache.set(sessionId, entry);
    return entry;
  }
}

function ended(): KcError {
  return new KcError('KCERR_END_OF_SESSION', 'session unknown or expired; log on again');
}
