/**
 * Every limit of the IMAP protocol layer, with its default, in one place. The gateway passes its configured values
 * (for example `imap_max_messagesize` as `maxAppendSize`); anything it leaves out takes the default here.
 */

export interface ImapLimits {
  /** Octets of one line part (up to CRLF or a literal), CRLF excluded. RFC 7162 §4 asks for at least 8192. */
  maxLineLength: number;
  /** Octets of one literal in any command but APPEND (LOGIN passwords, SEARCH strings, mailbox names). */
  maxLiteralSize: number;
  /** Octets of one APPEND message literal (KGC `imap_max_messagesize`, default 128 MiB). */
  maxAppendSize: number;
  /**
   * Largest non-synchronising literal `{n+}`: unlimited with LITERAL+ (RFC 7888), 4096 when the server
   * advertises LITERAL- instead; a larger one is a BAD [TOOBIG].
   */
  maxNonSyncLiteralSize: number;
  /** Sum of the APPEND message literals of one command (MULTIAPPEND). */
  maxAppendTotalSize: number;
  /** Octets of one command: its line parts plus every literal that is not an APPEND message. */
  maxCommandSize: number;
  /** Literals in one command. */
  maxLiterals: number;
  /**
   * Octets the framer reads and drops to resynchronise after rejecting a command whose data the client sends
   * anyway (an over-long line, a non-synchronising literal over the limit). Past this the connection is closed.
   */
  maxDiscardSize: number;
  /**
   * Nesting depth of SEARCH keys (parentheses, NOT, OR): generous for clients that chain many ORs, far below
   * what would exhaust the stack of the parser or of a recursive evaluator.
   */
  maxSearchDepth: number;
  /** Search keys in one SEARCH command, nested ones included. */
  maxSearchKeys: number;
  /** Ranges in one sequence set (a 64 KiB line holds at most about 13,000 distinct 5-digit UIDs). */
  maxSequenceRanges: number;
  /** Items in one FETCH attribute list (macros count as one). */
  maxFetchAttributes: number;
  /** Octets of a mailbox name once decoded to UTF-8. */
  maxMailboxNameLength: number;
  /** ID command (RFC 2971 §3.3): field/value pairs, field octets, value octets. */
  maxIdPairs: number;
  maxIdFieldLength: number;
  maxIdValueLength: number;
}

const MIB = 1024 * 1024;

/** The defaults. Frozen: copy with `{ ...DEFAULT_IMAP_LIMITS, maxAppendSize }` to change one. */
export const DEFAULT_IMAP_LIMITS: Readonly<ImapLimits> = Object.freeze({
  maxLineLength: 64 * 1024,
  maxLiteralSize: 64 * 1024,
  maxAppendSize: 128 * MIB,
  maxNonSyncLiteralSize: Number.POSITIVE_INFINITY,
  maxAppendTotalSize: 256 * MIB,
  maxCommandSize: 1 * MIB,
  maxLiterals: 1000,
  maxDiscardSize: 1 * MIB,
  maxSearchDepth: 100,
  maxSearchKeys: 5000,
  maxSequenceRanges: 65_536,
  maxFetchAttributes: 200,
  maxMailboxNameLength: 1000,
  maxIdPairs: 30,
  maxIdFieldLength: 30,
  maxIdValueLength: 1024,
});

/** The defaults overridden by `overrides` (undefined entries ignored). */
export function imapLimits(overrides: Partial<ImapLimits> = {}): Readonly<ImapLimits> {
  const out: ImapLimits = { ...DEFAULT_IMAP_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof ImapLimits, number | undefined][]) {
    if (value !== undefined) out[key] = value;
  }
  return Object.freeze(out);
}

/** `maxNonSyncLiteralSize` for a server that advertises LITERAL- (RFC 7888 §5). */
export const LITERAL_MINUS_MAX = 4096;

/** Largest number (sequence number, UID, size, partial offset) the protocol allows: 2^32-1 (RFC 9051 number). */
export const MAX_NUMBER = 0xffff_ffff;
/** Largest mod-sequence value (RFC 7162: 2^63-1). Larger values in a command are a BAD. */
export const MAX_MODSEQ = 0x7fff_ffff_ffff_ffffn;
