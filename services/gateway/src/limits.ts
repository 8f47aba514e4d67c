/**
 * Every fixed limit of the gateway in one place (the configurable ones are in config.ts:
 * imap_max_messagesize, imap_max_fail_commands, max_connections, server_timeout; the protocols'
 * own line lengths are in @kgc/pop3-proto and @kgc/imap-proto). Sessions take a `Limits` object
 * so tests can shrink the timers; production uses DEFAULT_LIMITS.
 */

export interface Limits {
  /** POP3: idle time before the connection is closed (RFC 1939 §3: at least 10 minutes). */
  pop3IdleMs: number;
  /** IMAP: idle time before login (short) and after (RFC 3501 §5.4: at least 30 minutes). */
  imapIdleUnauthMs: number;
  imapIdleAuthMs: number;
  /** Failed logins on one connection before it is closed. */
  maxAuthFailures: number;
  /** Delay of the reply to a failed login, times the failures so far (slows guessing). */
  authFailureDelayMs: number;
  /** POP3: bad or unknown commands before the connection is closed. */
  pop3MaxBadCommands: number;
  /** Bytes per chunk written while streaming a message; the next chunk waits for 'drain'. */
  writeChunk: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  pop3IdleMs: 10 * 60_000,
  imapIdleUnauthMs: 60_000,
  imapIdleAuthMs: 30 * 60_000,
  maxAuthFailures: 3,
  authFailureDelayMs: 1000,
  pop3MaxBadCommands: 10,
  writeChunk: 64 * 1024,
};

/** Rows per tableQueryRows call when (re)loading a folder's metadata. */
export const TABLE_PAGE = 5000;
/** Journal entries per getChanges call while refreshing a folder. */
export const CHANGES_PAGE = 5000;
/**
 * A folder cache refresh asks for the rows the journal names, in at most this many uid intervals;
 * past that it asks for every row changed since (a scan of the folder on the server).
 */
export const REFRESH_UID_INTERVALS = 500;
/** A folder list read less than this long ago gives a cold folder cache its status (one call fewer). */
export const FOLDER_SEED_MS = 2_000;
/** Folder metadata caches kept after their last session closed (reopened often, cheap to keep). */
export const IDLE_FOLDER_CACHES = 256;
/** A store's folder list is reused this long (CREATE/DELETE/RENAME through this gateway clear it). */
export const HIERARCHY_TTL_MS = 2000;
/** Bodies (raw MIME) kept per process, by total bytes; a message's bytes never change. */
export const BODY_CACHE_BYTES = 64 * 1024 * 1024;
/** Decoded header fields kept per process for SEARCH, by estimated memory (about 1 KiB a message). */
export const HEADER_CACHE_BYTES = 32 * 1024 * 1024;
/** Decoded Subject values kept per process for SEARCH SUBJECT (about 100 bytes a message). */
export const SUBJECT_CACHE_BYTES = 8 * 1024 * 1024;
/** Header blocks per loadMessages call (headersOnly) when a SEARCH needs headers it has not cached. */
export const LOAD_HEADERS_BATCH = 256;
/**
 * A login reuses the server session of an earlier login of the same user and password this long
 * (store/logon-cache.ts); a password change or a disabled feature reaches cached logins within it.
 */
export const LOGON_CACHE_MS = 60_000;
/** Users whose logons are cached per process. */
export const LOGON_CACHE_MAX = 10_000;
/**
 * POP3: messages kept asked for ahead of the client's next RETR, in blocks of
 * POP3_PREFETCH_BLOCK, several on their way at once: a client reading one message after the
 * other (~0.1 ms each) then never waits for a load, and no block is so big that the client
 * catches up with it.
 */
export const POP3_PREFETCH_AHEAD = 256;
export const POP3_PREFETCH_BLOCK = 64;
/** POP3: the session's first block is this small: the first RETR waits for it, not for a full block. */
export const POP3_PREFETCH_FIRST = 16;
/** POP3: bytes asked for ahead at most (a client that reads one message does not pull in 256 big ones). */
export const POP3_PREFETCH_BYTES = 4 * 1024 * 1024;
/**
 * IMAP FETCH: raw messages loaded ahead in one window of at most this many messages and bytes
 * (messages over PREFETCH_MAX_SIZE load when used and do not count); the next window loads while
 * this one is written, so a FETCH holds about two windows of bodies.
 */
export const PREFETCH_WINDOW = 256;
export const PREFETCH_WINDOW_BYTES = 2 * 1024 * 1024;
/** Messages per loadMessages call (the server allows 256): a FETCH window of 256 loads in two calls side by side. */
export const LOAD_MESSAGES_BATCH = 128;
/**
 * SEARCH BODY/TEXT: messages per searchBodies call (the server's limit, 1024: it reads their bytes
 * in bounded groups, so a bigger call costs no memory, only fewer round trips), and messages per
 * window of the search (the next window's call is on its way while this one is evaluated).
 */
export const SEARCH_BODIES_BATCH = 1024;
export const SEARCH_BODY_WINDOW = 1024;
/**
 * SEARCH BODY/TEXT searched in the gateway (an older server, or a text the server cannot be asked
 * for): bodies load in groups of at most this many bytes, each dropped before the next loads.
 */
export const SEARCH_HERE_BYTES = 8 * 1024 * 1024;
/** The largest message loaded ahead of use (bigger ones load when used): memory stays bounded. */
export const PREFETCH_MAX_SIZE = 256 * 1024;
/** Serialized ENVELOPE/BODY/BODYSTRUCTURE answers kept per process, by total bytes. */
export const ANSWER_CACHE_BYTES = 32 * 1024 * 1024;
/** Longest long poll of the change watcher when no bus is configured. */
export const NOTIFY_WAIT_SECONDS = 50;
