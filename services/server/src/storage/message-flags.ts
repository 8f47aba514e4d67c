import { invalid } from './db-errors.js';
import { hasControlChars } from './rows.js';

/** System flags as a bitmask in `messages.flags`. */
export const MessageFlag = {
  Seen: 1,
  Answered: 2,
  Flagged: 4,
  Deleted: 8,
  Draft: 16,
} as const;
export const ALL_FLAGS = 31;

const KEYWORD_RE = /^[^\s\\()\]{%*"]{1,128}$/;

/** IMAP keywords (atoms; case-insensitive, first spelling kept). */
export function normalizeKeywords(keywords: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const k of keywords) {
    if (!KEYWORD_RE.test(k) || hasControlChars(k)) throw invalid(`invalid keyword: ${JSON.stringify(k)}`);
    const key = k.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(k);
    }
  }
  return out;
}

/** Stored as ` a b ` so that `LIKE '% a %'` finds one keyword; '' when empty. */
export function encodeKeywords(keywords: readonly string[]): string {
  return keywords.length === 0 ? '' : ` ${keywords.join(' ')} `;
}

export function decodeKeywords(v: unknown): string[] {
  return typeof v === 'string' ? v.split(' ').filter((k) => k.length > 0) : [];
}

export function assertFlags(flags: number): void {
  if (!Number.isInteger(flags) || flags < 0 || flags > ALL_FLAGS) throw invalid(`invalid flags bitmask: ${flags}`);
}
