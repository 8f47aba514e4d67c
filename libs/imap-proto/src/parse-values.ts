/**
 * Values shared by the command parsers: mailbox names (modified UTF-7, INBOX), UTF-8 text, flags and flag lists,
 * STATUS items.
 */
import type { CommandReader } from './command-reader.js';
import type { StatusItem } from './command-types.js';
import { ImapParseError } from './errors.js';
import { decodeModifiedUtf7 } from './modified-utf7.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as UTF-8 text; a BAD when they are not UTF-8. */
export function utf8(bytes: Buffer, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new ImapParseError(`Invalid UTF-8 in ${what}`);
  }
}

/** A mailbox name as the client wrote it (an astring), decoded; `INBOX` in any case is `INBOX`. */
export function decodeMailbox(bytes: Buffer, maxLength: number): string {
  if (bytes.length > maxLength * 8) throw new ImapParseError('Mailbox name too long', { code: 'LIMIT' });
  const name = decodeModifiedUtf7(bytes.toString('latin1'));
  if (Buffer.byteLength(name, 'utf8') > maxLength) throw new ImapParseError('Mailbox name too long', { code: 'LIMIT' });
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/** mailbox = "INBOX" / astring. */
export function readMailbox(r: CommandReader): string {
  return decodeMailbox(r.astring('mailbox name'), r.limits.maxMailboxNameLength);
}

/** A LIST/LSUB pattern or reference, decoded like a mailbox name but without INBOX folding. */
export function decodePattern(bytes: Buffer, maxLength: number): string {
  const text = decodeModifiedUtf7(bytes.toString('latin1'));
  if (Buffer.byteLength(text, 'utf8') > maxLength)
    throw new ImapParseError('Mailbox pattern too long', { code: 'LIMIT' });
  return text;
}

const SYSTEM_FLAGS = new Map(
  ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent'].map((f) => [f.toUpperCase(), f]),
);

/** The canonical spelling of a system flag (`\SEEN` is `\Seen`), or null when `flag` is not one. */
export function canonicalSystemFlag(flag: string): string | null {
  return SYSTEM_FLAGS.get(flag.toUpperCase()) ?? null;
}

/**
 * flag: a system flag (canonical case) or a keyword (atom, case kept). `\Recent` and unknown `\` flags are a BAD:
 * clients cannot set them.
 */
export function readFlag(r: CommandReader): string {
  if (r.tryChar('\\')) {
    const name = `\\${r.atom('flag')}`;
    const system = canonicalSystemFlag(name);
    if (system === null) throw new ImapParseError(`Invalid system flag ${name}`);
    if (system === '\\Recent') throw new ImapParseError('\\Recent cannot be set by a client');
    return system;
  }
  return r.atom('flag');
}

/** flag-list: `(` [flag *(SP flag)] `)`, duplicates removed. */
export function readFlagList(r: CommandReader): string[] {
  return dedupeFlags(r.list(() => readFlag(r), true, 'flag list'));
}

/** Flags without repeats (keywords compared case-insensitively, as RFC 3501 keywords are). */
export function dedupeFlags(flags: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of flags) {
    const key = f.toUpperCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

export const STATUS_ITEMS: readonly StatusItem[] = [
  'MESSAGES',
  'RECENT',
  'UIDNEXT',
  'UIDVALIDITY',
  'UNSEEN',
  'HIGHESTMODSEQ',
];

/** `(` status-att *(SP status-att) `)`, duplicates removed. */
export function readStatusItems(r: CommandReader): StatusItem[] {
  const items = r.list(
    () => {
      const item = r.keyword('status item');
      if (!(STATUS_ITEMS as readonly string[]).includes(item)) throw new ImapParseError(`Unknown status item ${item}`);
      return item as StatusItem;
    },
    false,
    'status item list',
  );
  return [...new Set(items)];
}
