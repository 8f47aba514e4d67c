import { ErrorCode, NatsError } from 'nats';
import { BusError, describeError } from './errors.js';

/** JetStream API error numbers we react to (nats-server `errors.json`). */
export const JsErr = {
  streamNameInUse: 10058,
  streamNotFound: 10059,
  streamSubjectOverlap: 10065,
  consumerNotUniqueOnWorkQueue: 10100,
  consumerNotFound: 10014,
  consumerAlreadyExists: 10148,
} as const;

export function jsApiErrorCode(err: unknown): number | undefined {
  return err instanceof NatsError ? err.api_error?.err_code : undefined;
}

/** Maps a nats.js failure to a BusError; `what` names the operation for the message. */
export function toBusError(err: unknown, what: string, subject?: string): BusError {
  if (err instanceof BusError) return err;
  const opts = { subject, cause: err };
  if (err instanceof NatsError) {
    switch (err.code) {
      case ErrorCode.Timeout:
        return new BusError('TIMEOUT', `${what}: timed out`, opts);
      case ErrorCode.NoResponders:
        return new BusError('NO_RESPONDERS', `${what}: no responders`, opts);
      case ErrorCode.ConnectionClosed:
      case ErrorCode.ConnectionDraining:
        return new BusError('CLOSED', `${what}: connection closed`, opts);
    }
  }
  return new BusError('UNAVAILABLE', `${what}: ${describeError(err)}`, opts);
}
