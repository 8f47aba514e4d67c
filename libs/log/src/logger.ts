import { hostname } from 'node:os';
import { type DestinationStream, type Logger, pino } from 'pino';
import { parseLogLevel } from './levels.js';

export type { Logger };

/** Property names whose values never reach a log line, at the top level or one object down. */
export const SECRET_KEYS = [
  'password',
  'passwd',
  'pass',
  'secret',
  'authorization',
  'cookie',
  'sessionId',
  'session_id',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'secretAccessKey',
  'mysql_password',
  'ldap_bind_passwd',
  'service_secret',
] as const;

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
  // HTTP request/response objects: `{ req: { headers: { authorization } } }`.
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
];

export const REDACTED = '[redacted]';

export interface CreateLoggerOptions {
  /** Bound on every line as `service`. */
  readonly service: string;
  /** `log_level` from config: a pino name or KGC's 0-6 (see LOG_LEVEL_VALUES). Default `info`. */
  readonly level?: string | number;
  /** Where JSON lines go; default stdout. */
  readonly destination?: DestinationStream;
  /** Extra redaction paths (pino/fast-redact syntax) on top of REDACT_PATHS. */
  readonly redact?: readonly string[];
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const level = parseLogLevel(options.level ?? 'info');
  if (level === undefined) {
    throw new RangeError(
      `invalid log level "${options.level}": use 0-6 or fatal, error, warn, info, debug, trace, silent`,
    );
  }
  const config = {
    level,
    base: { service: options.service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: REDACTED },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}

export interface ConnectionBindings {
  /** From newConnectionId(). */
  readonly cid: string;
  /** Peer address, e.g. `192.0.2.7:51234` or `[2001:db8::1]:51234`. */
  readonly remote?: string;
}

/** A child logger whose every line carries the connection id (and peer). */
export function connectionLogger(logger: Logger, bindings: ConnectionBindings): Logger {
  return logger.child(
    bindings.remote === undefined ? { cid: bindings.cid } : { cid: bindings.cid, remote: bindings.remote },
  );
}
