/**
 * The logging surface the bus needs. A pino logger satisfies it as is; so does `@kgc/log`.
 * The first argument is structured context, the second a short fixed message.
 */
export interface BusLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

function writeLine(level: string, obj: Record<string, unknown>, msg: string): void {
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), component: 'bus', ...obj, msg })}\n`);
}

/** Used when no logger is injected: warnings and errors as JSON lines on stderr, nothing else. */
export const stderrLogger: BusLogger = {
  debug: () => {},
  info: () => {},
  warn: (obj, msg) => writeLine('warn', obj, msg),
  error: (obj, msg) => writeLine('error', obj, msg),
};
