import { KcError } from '@kgc/soap';

function errField(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

/** The driver's error code, also when already wrapped in a KcError (details.sqlCode). */
function sqlCode(err: unknown): unknown {
  if (err instanceof KcError) return err.details?.sqlCode;
  return errField(err, 'code');
}

/** MySQL ER_DUP_ENTRY or a SQLite UNIQUE/PRIMARY KEY constraint failure. */
export function isUniqueViolation(err: unknown): boolean {
  const code = sqlCode(err);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Deadlock / lock wait timeout (MySQL) or a busy database (SQLite): the whole transaction may be retried. */
export function isRetryable(err: unknown): boolean {
  const code = sqlCode(err);
  return (
    code === 'ER_LOCK_DEADLOCK' ||
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_BUSY_SNAPSHOT' ||
    code === 'SQLITE_LOCKED'
  );
}

/** Every error leaving the storage layer is a KcError. */
export function toKcError(err: unknown): KcError {
  if (err instanceof KcError) return err;
  const code = errField(err, 'code');
  const message = err instanceof Error ? err.message : String(err);
  const details = typeof code === 'string' ? { sqlCode: code } : undefined;
  if (isUniqueViolation(err)) return new KcError('KCERR_COLLISION', message, details);
  return new KcError('KCERR_DATABASE_ERROR', message, details);
}

export function notFound(what: string, id: number | string): KcError {
  return new KcError('KCERR_NOT_FOUND', `${what} ${id} not found`, { id: typeof id === 'number' ? id : String(id) });
}

export function invalid(message: string): KcError {
  return new KcError('KCERR_INVALID_PARAMETER', message);
}
