/**
 * Why a bus operation failed. Stable strings: callers branch on them, logs index them.
 * - TIMEOUT: no reply (request) or no ack (work handler) within the deadline.
 * - NO_RESPONDERS: a request found nobody listening on its subject.
 * - CLOSED: the bus was closed; nothing more can be sent or received.
 * - INVALID_SUBJECT / INVALID_PAYLOAD: a subject or payload failed validation (ours or the peer's).
 * - REMOTE_ERROR: the responder ran but its handler failed.
 * - CONFLICT: the server holds an incompatible stream/consumer (e.g. another durable on a work subject).
 * - CONNECT_FAILED: the first connection to the server could not be made.
 * - UNAVAILABLE: the transport failed (JetStream publish not acknowledged, server unreachable).
 */
export type BusErrorCode =
  | 'TIMEOUT'
  | 'NO_RESPONDERS'
  | 'CLOSED'
  | 'INVALID_SUBJECT'
  | 'INVALID_PAYLOAD'
  | 'REMOTE_ERROR'
  | 'CONFLICT'
  | 'CONNECT_FAILED'
  | 'UNAVAILABLE';

export class BusError extends Error {
  override readonly name = 'BusError';
  readonly code: BusErrorCode;
  /** The subject involved, without any deployment prefix. */
  readonly subject: string | undefined;

  constructor(code: BusErrorCode, message: string, options: { subject?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options.subject;
  }
}

export function isBusError(err: unknown, code?: BusErrorCode): err is BusError {
  return err instanceof BusError && (code === undefined || err.code === code);
}

/** Text for logs from anything thrown. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
