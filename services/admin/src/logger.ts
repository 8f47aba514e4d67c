/**
 * kgc-admin's diagnostics on stderr, at KGC's levels: 0 none (the default), 1 fatal, 2 error,
 * 3 warning, 4 notice, 5 info, 6 debug. `-v` raises the level by one, like kopano-admin's.
 */
import type { TextSink } from './io.js';

export const LOG_LEVELS = ['none', 'fatal', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export type LogLevelName = Exclude<(typeof LOG_LEVELS)[number], 'none'>;
export const MAX_LOG_LEVEL = LOG_LEVELS.length - 1;

export interface Logger {
  readonly level: number;
  log(level: LogLevelName, message: string): void;
}

export function createLogger(level: number, sink: TextSink): Logger {
  const effective = Math.max(0, Math.min(MAX_LOG_LEVEL, level));
  return {
    level: effective,
    log(name, message) {
      if (LOG_LEVELS.indexOf(name) <= effective) sink.write(`[${name}] ${message}\n`);
    },
  };
}
