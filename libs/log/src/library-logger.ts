import type { Logger } from './logger.js';

/**
 * A bunyan-style logger for libraries that take one (smtp-server), one level quieter than they
 * ask: their per-connection info is our debug.
 */
export function libraryLogger(log: Logger) {
  const at =
    (level: 'trace' | 'debug' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      (log[level] as (...a: unknown[]) => void)(...args);
  return {
    trace: () => undefined,
    debug: at('trace'),
    info: at('debug'),
    warn: at('warn'),
    error: at('warn'),
    fatal: at('error'),
  };
}
