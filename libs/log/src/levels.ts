import type { LevelWithSilent } from 'pino';

/**
 * Every accepted `log_level` value. KGC's numeric levels: 0 none, 1 fatal/critical, 2 error,
 * 3 warning, 4 notice, 5 info, 6 debug. A daemon that hides its own fatal exit helps nobody, so 0
 * maps to `fatal`, not silence; pino has no "notice", so 4 and 5 are both `info`; 6 is `debug`
 * (the `trace` level, with protocol transcripts, must be asked for by name).
 */
export const LOG_LEVEL_VALUES = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  'fatal',
  'error',
  'warn',
  'warning',
  'notice',
  'info',
  'debug',
  'trace',
  'silent',
] as const;

export type LogLevelValue = (typeof LOG_LEVEL_VALUES)[number];

const LEVELS: Readonly<Record<LogLevelValue, LevelWithSilent>> = {
  '0': 'fatal',
  '1': 'fatal',
  '2': 'error',
  '3': 'warn',
  '4': 'info',
  '5': 'info',
  '6': 'debug',
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  warning: 'warn',
  notice: 'info',
  info: 'info',
  debug: 'debug',
  trace: 'trace',
  silent: 'silent',
};

function isLogLevelValue(text: string): text is LogLevelValue {
  return Object.hasOwn(LEVELS, text);
}

/** The pino level for a config value (number, digit string or name, case-insensitive), or undefined. */
export function parseLogLevel(value: string | number): LevelWithSilent | undefined {
  const text = String(value).trim().toLowerCase();
  return isLogLevelValue(text) ? LEVELS[text] : undefined;
}
