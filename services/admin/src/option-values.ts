/** Typed values from option strings; every bad value is a UsageError naming the option. */
import { mbToBytes } from './format.js';
import { UsageError } from './usage-error.js';

const YES = new Set(['y', 'yes', '1']);
const NO = new Set(['n', 'no', '0']);

/** KGC's yes/no options (`-n`, `--qo`): y/yes/1 or n/no/0. */
export function parseYesNo(value: string, flag: string): boolean {
  const v = value.trim().toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  throw new UsageError(`Invalid value "${value}" for ${flag}: use y or n.`);
}

/** `-a`: y/yes/1 = administrator, 2 = system administrator, n/no/0 = none. */
export function parseAdminLevel(value: string): 0 | 1 | 2 {
  const v = value.trim().toLowerCase();
  if (v === '2') return 2;
  if (YES.has(v)) return 1;
  if (NO.has(v)) return 0;
  throw new UsageError(`Invalid value "${value}" for -a: use y, n, 0, 1 or 2.`);
}

/** `--qh/--qs/--qw`: whole megabytes, returned in bytes as the API wants them. */
export function parseMegabytes(value: string, flag: string): number {
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const mb = Number(v);
    try {
      return mbToBytes(mb);
    } catch {
      // too large; fall through to the message below
    }
  }
  throw new UsageError(`Invalid value "${value}" for ${flag}: expected a size in MB (a whole number).`);
}

export const FEATURES = ['imap', 'pop3'] as const;
export type Feature = (typeof FEATURES)[number];

function isFeature(value: string): value is Feature {
  return (FEATURES as readonly string[]).includes(value);
}

/** `--enable-feature imap --enable-feature pop3` or `--enable-feature imap,pop3`. */
export function parseFeatures(values: readonly string[]): Feature[] {
  const out: Feature[] = [];
  for (const word of values.flatMap((v) => v.split(','))) {
    const f = word.trim().toLowerCase();
    if (f === '') continue;
    if (!isFeature(f))
      throw new UsageError(`${word.trim()} is not a valid kopano feature (use ${FEATURES.join(' or ')}).`);
    if (!out.includes(f)) out.push(f);
  }
  return out;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** KGC's InputValidator: no control characters in any argument. */
export function checkPrintable(value: string): void {
  const shown = value.replace(CONTROL, '?');
  if (shown !== value) throw new UsageError(`Invalid input '${shown}' found.`);
}

/** KGC's "Username (-u) cannot be empty" family. */
export function requireNonEmpty(value: string | undefined, what: string): void {
  if (value !== undefined && value === '') throw new UsageError(`${what} cannot be empty`);
}
