/**
 * Error texts in kopano-admin's words. KGC prints a MAPI error as its description plus the hex
 * code (`kc_perror`), or, about a named object, as `"alice" not found` / `"alice" already exists`
 * (`getMapiCodeString`). We print the KCERR_* code where KGC printed the hex.
 */
import { KcError, type KcErrorCode } from '@kgc/soap';

const DESCRIPTIONS: Readonly<Record<KcErrorCode, string>> = {
  KCERR_LOGON_FAILED: 'logon failed',
  KCERR_END_OF_SESSION: 'end of session',
  KCERR_NO_ACCESS: 'no access',
  KCERR_NOT_FOUND: 'not found',
  KCERR_COLLISION: 'collision',
  KCERR_STORE_FULL: 'store full',
  KCERR_INVALID_PARAMETER: 'missing or invalid argument',
  KCERR_INVALID_TYPE: 'invalid type',
  KCERR_NO_SUPPORT: 'action not supported by server',
  KCERR_TOO_BIG: 'too big',
  KCERR_MODIFIED: 'object changed',
  KCERR_NETWORK_ERROR: 'network error',
  KCERR_DATABASE_ERROR: 'database error',
  KCERR_UNKNOWN: 'call failed',
};

/** The server's own explanation, when it says more than the code. */
function detail(e: KcError): string {
  const message = e.message.trim();
  return message === '' || message === e.code ? '' : `: ${message}`;
}

/** KGC `kc_perror(prefix, hr)`: "Unable to add user to group: not found (KCERR_NOT_FOUND)". */
export function perror(prefix: string, err: unknown): string {
  if (!(err instanceof KcError)) return `${prefix}: ${err instanceof Error ? err.message : String(err)}`;
  return `${prefix}: ${DESCRIPTIONS[err.code]} (${err.code}${detail(err)})`;
}

/** KGC `getMapiCodeString(hr, object)`: `"alice" not found`, `"alice" already exists`, ... */
export function codeString(err: unknown, object: string): string {
  if (!(err instanceof KcError)) return err instanceof Error ? err.message : String(err);
  switch (err.code) {
    case 'KCERR_NOT_FOUND':
      return `"${object}" not found`;
    case 'KCERR_COLLISION':
      return `"${object}" already exists`;
    case 'KCERR_NO_ACCESS':
      return `no access "${object}"`;
    case 'KCERR_INVALID_TYPE':
      return 'invalid type combination';
    default:
      return `${DESCRIPTIONS[err.code]} (${err.code}${detail(err)})`;
  }
}

export function isKcError(err: unknown, code: KcErrorCode): boolean {
  return err instanceof KcError && err.code === code;
}
