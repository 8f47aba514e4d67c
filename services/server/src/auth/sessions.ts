/** Session manager contract used by the operations; implemented over SQL in session-manager.ts. */
import type { Principal } from './principal.js';

export interface SessionManager {
  /** Creates a session for a user (logon) and returns its id. */
  openUser(userId: number): Promise<string>;
  /** A service session, optionally acting as a user (impersonation: the user's rights). */
  openService(impersonateUserId?: number): Promise<string>;
  /** Resolves and touches a session; KCERR_END_OF_SESSION when unknown or expired. */
  principal(sessionId: string): Promise<Principal>;
  expiresAt(sessionId: string): Promise<number>;
  close(sessionId: string): Promise<void>;
  /**
   * The user's rights changed (deactivated, deleted, admin flag, password): forget what this
   * replica cached about their sessions; with `end`, end them all (every replica).
   */
  userChanged(userId: number, opts?: { end?: boolean }): Promise<void>;
}
