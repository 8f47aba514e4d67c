import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { formatListen, type Listener, parseListen } from './listen.js';
import type { Parsed } from './parsed.js';
import {
  type Bounds,
  formatBool,
  formatDuration,
  formatSize,
  parseBool,
  parseDuration,
  parseInteger,
  parseSize,
  parseWords,
} from './scalars.js';

/**
 * A config field: a zod schema taking the string from a file or the environment (or `undefined`
 * when the key is unset, giving the default) and producing the typed value.
 */
export type CfgField<T> = z.ZodType<T, string | undefined>;

/** What `dumpConfig` needs to print a field back in KGC form. */
export interface FieldInfo {
  readonly secret: boolean;
  readonly format: (value: unknown) => string;
}

/** Registry of the field helpers' schemas; plain zod schemas in a shape are simply not in it. */
export const fieldInfo = z.registry<FieldInfo>();

function field<T>(
  parse: (text: string) => Parsed<T>,
  defaultText: string,
  format: (value: T) => string,
  secret = false,
): z.ZodType<Awaited<T>, string | undefined> {
  // Defaults go through the same parser as file values, so a bad default fails at definition time.
  const initial = parse(defaultText);
  if (!initial.ok) {
    throw new ConfigError({ source: 'definition', message: `bad default "${defaultText}": ${initial.error}` });
  }
  const def = initial.value;
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined) return structuredClone(def);
      const parsed = parse(raw.trim());
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    });
  // The registry is untyped per entry; `format` is only ever called with values this schema produced.
  fieldInfo.add(schema, { secret, format: (value) => format(value as T) });
  return schema;
}

const asIs = (text: string): Parsed<string> => ({ ok: true, value: text });
const identity = (value: string): string => value;

/** Free text. */
export function str(fallback = ''): CfgField<string> {
  return field(asIs, fallback, identity);
}

/** A whole number, optionally bounded. */
export function int(fallback: number, bounds: Bounds = {}): CfgField<number> {
  return field((t) => parseInteger(t, bounds), String(fallback), String);
}

/** yes/no, true/false, on/off, 1/0 (case-insensitive). Dumped as yes/no. */
export function bool(fallback: boolean): CfgField<boolean> {
  return field(parseBool, formatBool(fallback), formatBool);
}

/** Bytes: `128M`, `10k`, `1G` (powers of 1024); a plain number is bytes. */
export function size(fallback: number | string, bounds: Bounds = {}): CfgField<number> {
  return field((t) => parseSize(t, bounds), String(fallback), formatSize);
}

/** Milliseconds from `500ms`, `60s`, `30m`, `2h`, `1d`; a plain number is seconds (KGC's unit). */
export function duration(fallback: string, bounds: Bounds = {}): CfgField<number> {
  return field((t) => parseDuration(t, bounds), fallback, formatDuration);
}

/** Space-separated words; empty means an empty list. */
export function list(fallback: string | readonly string[] = []): CfgField<string[]> {
  const text = typeof fallback === 'string' ? fallback : fallback.join(' ');
  return field(
    (t) => ({ ok: true, value: parseWords(t) }),
    text,
    (v) => v.join(' '),
  );
}

/** KGC listener list (`*%lo:236 [::1]:143 unix:/run/x.sock`); empty means no listener. */
export function listen(fallback: string): CfgField<Listener[]> {
  return field(parseListen, fallback, formatListen);
}

/** A string that `dumpConfig` masks (passwords, keys, service secrets). */
export function secret(fallback = ''): CfgField<string> {
  return field(asIs, fallback, identity, true);
}

/** One of a fixed set of words (exact match after trimming). */
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
): CfgField<T[number]> {
  const allowed: readonly string[] = values;
  const isAllowed = (text: string): text is T[number] => allowed.includes(text);
  const parse = (text: string): Parsed<T[number]> =>
    isAllowed(text) ? { ok: true, value: text } : { ok: false, error: `expected one of: ${values.join(', ')}` };
  return field(parse, fallback, identity);
}
