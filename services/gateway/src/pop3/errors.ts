/** The one error a POP3 command handler throws; the session turns it into `-ERR [CODE] text`. */
import type { RespCode } from '@kgc/pop3-proto';
import { StoreError } from '../store/types.js';

export class Pop3Error extends Error {
  override readonly name = 'Pop3Error';
  constructor(
    message: string,
    readonly code?: RespCode,
  ) {
    super(message);
  }
}

/** Store failures to POP3 replies (RFC 3206 codes); internal text is never echoed. */
export function pop3ErrorOf(e: unknown): Pop3Error {
  if (e instanceof Pop3Error) return e;
  if (e instanceof StoreError) {
    switch (e.kind) {
      case 'auth':
        return new Pop3Error('Authentication failed.', 'AUTH');
      case 'feature':
        return new Pop3Error('POP3 access is disabled for this user.', 'SYS/PERM');
      case 'not-found':
        return new Pop3Error('Message no longer exists.');
      case 'no-access':
        return new Pop3Error('Access denied.', 'SYS/PERM');
      case 'unavailable':
        return new Pop3Error('Temporary server failure, try again later.', 'SYS/TEMP');
      default:
        return new Pop3Error('The server refused the request.', 'SYS/PERM');
    }
  }
  return new Pop3Error('Internal error.', 'SYS/TEMP');
}
