/**
 * Stable SOAP fault codes. Names follow KGC's KCERR_* where the idea is KGC's.
 * The list (with meanings) is documented in docs/soap-faults.md; keep both in step.
 */
export const KC_ERROR_CODES = [
  'KCERR_LOGON_FAILED',
  'KCERR_END_OF_SESSION',
  'KCERR_NO_ACCESS',
  'KCERR_NOT_FOUND',
  'KCERR_COLLISION',
  'KCERR_STORE_FULL',
  'KCERR_INVALID_PARAMETER',
  'KCERR_INVALID_TYPE',
  'KCERR_NO_SUPPORT',
  'KCERR_TOO_BIG',
  'KCERR_MODIFIED',
  'KCERR_NETWORK_ERROR',
  'KCERR_DATABASE_ERROR',
  'KCERR_UNKNOWN',
] as const;

export type KcErrorCode = (typeof KC_ERROR_CODES)[number];

export function isKcErrorCode(value: unknown): value is KcErrorCode {
  return typeof value === 'string' && (KC_ERROR_CODES as readonly string[]).includes(value);
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
