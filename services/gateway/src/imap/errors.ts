/** The one error an IMAP command handler throws; the session answers `TAG NO|BAD [CODE] text`. */
import { ImapParseError } from '@kgc/imap-proto';
import { StoreError } from '../store/types.js';

/** Response codes (RFC 3501, RFC 5530) the gateway sends. */
export type ImapCode =
  | 'ALREADYEXISTS'
  | 'NONEXISTENT'
  | 'CANNOT'
  | 'INUSE'
  | 'NOPERM'
  | 'OVERQUOTA'
  | 'TOOBIG'
  | 'LIMIT'
  | 'UNAVAILABLE'
  | 'SERVERBUG'
  | 'AUTHENTICATIONFAILED'
  | 'AUTHORIZATIONFAILED'
  | 'CONTACTADMIN'
  | 'PRIVACYREQUIRED'
  | 'CLIENTBUG'
  | 'READ-ONLY'
  | 'TRYCREATE'
  | 'EXPUNGEISSUED';

export class ImapError extends Error {
  override readonly name = 'ImapError';
  constructor(
    readonly status: 'NO' | 'BAD',
    message: string,
    readonly code?: ImapCode,
  ) {
    super(message);
  }
}

export const no = (message: string, code?: ImapCode) => new ImapError('NO', message, code);
export const bad = (message: string, code?: ImapCode) => new ImapError('BAD', message, code);

/** Store failures to IMAP answers; internal text is never echoed. */
export function imapErrorOf(e: unknown): ImapError {
  if (e instanceof ImapError) return e;
  // What a client sent that does not parse (a SASL response that is not base64, say): its BAD.
  if (e instanceof ImapParseError) return e.status === 'BAD' ? bad(e.message) : no(e.message);
  if (e instanceof StoreError) {
    switch (e.kind) {
      case 'auth':
        return no('Authentication failed.', 'AUTHENTICATIONFAILED');
      case 'feature':
        return no('IMAP access is disabled for this user.', 'CONTACTADMIN');
      case 'not-found':
        return no('No such mailbox or message.', 'NONEXISTENT');
      case 'exists':
        return no('Mailbox already exists.', 'ALREADYEXISTS');
      case 'no-access':
        return no('Permission denied.', 'NOPERM');
      case 'over-quota':
        return no('Quota exceeded.', 'OVERQUOTA');
      case 'too-big':
        return no('Too big.', 'TOOBIG');
      case 'invalid':
        return no('The server refused the request.', 'CANNOT');
      case 'modified':
        return no('Changed meanwhile, try again.', 'INUSE');
      case 'unavailable':
        return no('Temporary server failure, try again later.', 'UNAVAILABLE');
    }
  }
  return no('Internal error.', 'SERVERBUG');
}
