/**
 * Stable SOAP fault codes. Names follow KGC's KCERR_* where the idea is KGC's.
 * The list (with meanings) is documented in docs/soap-faults.md; keep both in step.
 */
/** Every code, with whose mistake it is: the caller's (SOAP faultcode soap:Client) or ours (soap:Server). */
export const KC_ERRORS = {
  KCERR_LOGON_FAILED: 'client',
  KCERR_END_OF_SESSION: 'client',
  KCERR_NO_ACCESS: 'client',
  KCERR_NOT_FOUND: 'client',
  KCERR_COLLISION: 'client',
  KCERR_STORE_FULL: 'client',
  KCERR_INVALID_PARAMETER: 'client',
  KCERR_INVALID_TYPE: 'client',
  KCERR_NO_SUPPORT: 'client',
  KCERR_TOO_BIG: 'client',
  KCERR_MODIFIED: 'client',
  KCERR_NETWORK_ERROR: 'server',
  KCERR_DATABASE_ERROR: 'server',
  KCERR_UNKNOWN: 'server',
} as const satisfies Record<string, 'client' | 'server'>;

export const KC_ERROR_CODES = Object.keys(KC_ERRORS) as Array<keyof typeof KC_ERRORS>;

export type KcErrorCode = keyof typeof KC_ERRORS;

export function isKcErrorCode(value: unknown): value is KcErrorCode {
  return typeof value === 'string' && Object.hasOwn(KC_ERRORS, value);
}

/** The one error type every server layer throws and every SOAP client call rejects with. */
export class KcError extends Error {
  override readonly name = 'KcError';
  constructor(
    readonly code: KcErrorCode,
    message: string = code,
    readonly details?: Record<string, string | number>,
  ) {
    super(message);
  }
}
