/**
 * Sequence sets (RFC 3501 §9 `sequence-set`, RFC 9051): parsing into a typed list of ranges with `*`, and helpers
 * that resolve a set against the mailbox's largest number (highest sequence number or UID) as sorted, merged
 * intervals, so that membership, counting and iteration never expand a range such as `1:4294967295`.
 */
import { ImapParseError } from './errors.js';
import { DEFAULT_IMAP_LIMITS, MAX_NUMBER } from './limits.js';

/** A number of a set, or `*` (the largest number in use). */
export type SeqBound = number | '*';

/** `from:to` as written (either order); a single number has `from === to`. */
export interface SeqRange {
  readonly from: SeqBound;
  readonly to: SeqBound;
}

/** A parsed sequence set: its ranges in the order the client wrote them (at least one). */
export interface SequenceSet {
  readonly ranges: readonly SeqRange[];
}

/** A closed interval `[low, high]`, `1 <= low <= high`. */
export type SeqInterval = readonly [low: number, high: number];

function parseBound(text: string, whole: string): SeqBound {
  if (text === '*') return '*';
  if (!/^[1-9][0-9]*$/.test(text)) {
    const what = text === '' ? 'empty number' : /^0+$/.test(text) ? 'number 0' : `"${text}"`;
    throw new ImapParseError(`Invalid sequence set ${JSON.stringify(whole)}: ${what}`);
  }
  const n = text.length > 10 ? Number.POSITIVE_INFINITY : Number(text);
  if (n > MAX_NUMBER) throw new ImapParseError(`Invalid sequence set: ${text} is larger than ${MAX_NUMBER}`);
  return n;
}

/**
 * Parses `1,3:5,7:*`. Throws {@link ImapParseError} for an empty set, 0, leading zeros, numbers over 2^32-1, stray
 * characters, or more than `maxRanges` ranges.
 */
export function parseSequenceSet(text: string, maxRanges = DEFAULT_IMAP_LIMITS.maxSequenceRanges): SequenceSet {
  if (text === '') throw new ImapParseError('Empty sequence set');
  const ranges: SeqRange[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    const item = text.slice(start, end);
    if (ranges.length >= maxRanges) {
      throw new ImapParseError(`Sequence set has more than ${maxRanges} ranges`, { code: 'LIMIT' });
    }
    const colon = item.indexOf(':');
    if (colon === -1) {
      const n = parseBound(item, text);
      ranges.push({ from: n, to: n });
    } else {
      ranges.push({ from: parseBound(item.slice(0, colon), text), to: parseBound(item.slice(colon + 1), text) });
    }
    start = end + 1;
  }
  return { ranges };
}

/** True when the text is a valid sequence set (no limit on ranges). */
export function isSequenceSet(text: string): boolean {
  try {
    parseSequenceSet(text, Number.POSITIVE_INFINITY);
    return true;
  } catch {
    return false;
  }
}

/** The set as text (ranges as written). */
export function formatSequenceSet(set: SequenceSet): string {
  return set.ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`)).join(',');
}

/**
 * The set resolved against `max` (the largest sequence number or UID in use; 0 for an empty mailbox): `*` is
 * `max`, a range covers the numbers between its ends in either order, numbers above `max` are dropped (so
 * `5:*` with max 3 is 3, and `7` with max 3 is nothing). Sorted, overlapping and adjacent intervals merged.
 */
export function resolveSequenceSet(set: SequenceSet, max: number): SeqInterval[] {
  if (max < 1) return [];
  const raw: [number, number][] = [];
  for (const r of set.ranges) {
    const a = r.from === '*' ? max : r.from;
    const b = r.to === '*' ? max : r.to;
    const low = Math.min(a, b);
    const high = Math.min(Math.max(a, b), max);
    if (low <= high) raw.push([low, high]);
  }
  raw.sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const iv of raw) {
    const last = out[out.length - 1];
    if (last !== undefined && iv[0] <= last[1] + 1) {
      if (iv[1] > last[1]) last[1] = iv[1];
    } else {
      out.push([iv[0], iv[1]]);
    }
  }
  return out;
}

/** Whether `n` is in the set resolved against `max`. */
export function sequenceSetHas(set: SequenceSet, n: number, max: number): boolean {
  if (n < 1 || n > max) return false;
  for (const r of set.ranges) {
    const a = r.from === '*' ? max : r.from;
    const b = r.to === '*' ? max : r.to;
    if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
  }
  return false;
}

/** A sequence set resolved once for many membership tests (SEARCH over a large mailbox). */
export interface SequenceSetMatcher {
  readonly intervals: readonly SeqInterval[];
  /** Numbers in the set. */
  readonly count: number;
  /** Membership in O(log ranges). */
  has(n: number): boolean;
}

/** {@link resolveSequenceSet} plus a binary-search membership test. */
export function sequenceSetMatcher(set: SequenceSet, max: number): SequenceSetMatcher {
  const intervals = resolveSequenceSet(set, max);
  let count = 0;
  for (const [low, high] of intervals) count += high - low + 1;
  return {
    intervals,
    count,
    has(n: number): boolean {
      let lo = 0;
      let hi = intervals.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const iv = intervals[mid] as SeqInterval;
        if (n < iv[0]) hi = mid - 1;
        else if (n > iv[1]) lo = mid + 1;
        else return true;
      }
      return false;
    },
  };
}

/** How many numbers the set holds against `max`. */
export function countSequenceSet(set: SequenceSet, max: number): number {
  let n = 0;
  for (const [low, high] of resolveSequenceSet(set, max)) n += high - low + 1;
  return n;
}

/** The numbers of the set against `max`, ascending, each once (lazily). */
export function* iterateSequenceSet(set: SequenceSet, max: number): Generator<number, void, undefined> {
  for (const [low, high] of resolveSequenceSet(set, max)) {
    for (let n = low; n <= high; n++) yield n;
  }
}

/** True when the set uses `*` anywhere. */
export function sequenceSetUsesStar(set: SequenceSet): boolean {
  return set.ranges.some((r) => r.from === '*' || r.to === '*');
}

/**
 * Numbers written compactly for responses (COPYUID, APPENDUID, VANISHED, ESEARCH ALL): each ascending run of
 * consecutive numbers becomes `low:high`, in the order given (sort first when order does not matter).
 * Returns "" for no numbers.
 */
export function formatNumberSet(numbers: Iterable<number>): string {
  const parts: string[] = [];
  let low = -1;
  let high = -1;
  for (const n of numbers) {
    if (low !== -1 && n === high + 1) {
      high = n;
      continue;
    }
    if (low !== -1) parts.push(low === high ? String(low) : `${low}:${high}`);
    low = n;
    high = n;
  }
  if (low !== -1) parts.push(low === high ? String(low) : `${low}:${high}`);
  return parts.join(',');
}
