/** Server faults (KcError) to the store layer's one error type. */
import { KcError } from '@kgc/soap';
import { StoreError, type StoreErrorKind } from './types.js';

const KINDS: Record<string, StoreErrorKind> = {
  KCERR_LOGON_FAILED: 'auth',
  KCERR_NOT_FOUND: 'not-found',
  KCERR_COLLISION: 'exists',
  KCERR_NO_ACCESS: 'no-access',
  KCERR_STORE_FULL: 'over-quota',
  KCERR_TOO_BIG: 'too-big',
  KCERR_INVALID_PARAMETER: 'invalid',
  KCERR_INVALID_TYPE: 'invalid',
  KCERR_NO_SUPPORT: 'invalid',
  KCERR_MODIFIED: 'modified',
};

export function toStoreError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  if (e instanceof KcError) return new StoreError(KINDS[e.code] ?? 'unavailable', e.message);
  return new StoreError('unavailable', e instanceof Error ? e.message : String(e));
}

/** Run a store call, rethrowing anything as a StoreError. */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toStoreError(e);
  }
}
