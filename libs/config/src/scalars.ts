import { fail, ok, type Parsed } from './parsed.js';

export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

const TRUE_WORDS = new Set(['yes', 'true', '1', 'on']);
const FALSE_WORDS = new Set(['no', 'false', '0', 'off']);

export function parseBool(text: string): Parsed<boolean> {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return ok(true);
  if (FALSE_WORDS.has(word)) return ok(false);
  return fail('expected yes/no, true/false, on/off or 1/0');
}

export function formatBool(value: boolean): string {
  return value ? 'yes' : 'no';
}

export function parseInteger(text: string, bounds: Bounds = {}): Parsed<number> {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return fail('expected a whole number');
  return checkBounds(Number(t), bounds, String);
}

const SIZE_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['t', 1024 ** 4],
  ['g', 1024 ** 3],
  ['m', 1024 ** 2],
  ['k', 1024],
];

/** `128M`, `10k`, `1G`, `2T` (powers of 1024, case-insensitive, optional trailing `B`); a plain number is bytes. */
export function parseSize(text: string, bounds: Bounds = {}): Parsed<number> {
  const m = /^(\d+)\s*([kmgt]?)b?$/i.exec(text.trim());
  if (m === null) return fail('expected a size such as 512, 10k, 128M or 1G (bytes, powers of 1024)');
  const unit = (m[2] ?? '').toLowerCase();
  const factor = SIZE_UNITS.find(([u]) => u === unit)?.[1] ?? 1;
  return checkBounds(Number(m[1]) * factor, bounds, formatSize);
}

export function formatSize(bytes: number): string {
  for (const [unit, factor] of SIZE_UNITS) {
    if (bytes !== 0 && bytes % factor === 0) return `${bytes / factor}${unit === 'k' ? 'k' : unit.toUpperCase()}`;
  }
  return String(bytes);
}

const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** `500ms`, `60s`, `30m`, `2h`, `1d` (case-insensitive); a plain number is seconds. Returns milliseconds. */
export function parseDuration(text: string, bounds: Bounds = {}): Parsed<number> {
  const m = /^(\d+)\s*(ms|[smhd]?)$/i.exec(text.trim());
  if (m === null) return fail('expected a duration such as 500ms, 60s, 30m, 2h or 1d (a plain number is seconds)');
  const unit = (m[2] ?? '').toLowerCase() || 's';
  const factor = DURATION_UNITS.find(([u]) => u === unit)?.[1] ?? 1000;
  return checkBounds(Number(m[1]) * factor, bounds, formatDuration);
}

export function formatDuration(ms: number): string {
  for (const [unit, factor] of DURATION_UNITS) {
    if (ms !== 0 && ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}

/** Space (or tab) separated words; an empty value is an empty list. */
export function parseWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

function checkBounds(value: number, bounds: Bounds, show: (n: number) => string): Parsed<number> {
  if (!Number.isSafeInteger(value)) return fail('number is too large');
  if (bounds.min !== undefined && value < bounds.min) return fail(`must be at least ${show(bounds.min)}`);
  if (bounds.max !== undefined && value > bounds.max) return fail(`must be at most ${show(bounds.max)}`);
  return ok(value);
}
