/**
 * Every fixed limit of the dagent in one place (the configurable ones are in config.ts:
 * lmtp_max_connections, lmtp_max_messagesize, server_timeout).
 */

/** Longest command line (RFC 5321 allows 512 octets plus extension parameters). Longer: `421` and close. */
export const MAX_COMMAND_LINE = 4096;
/** Recipients of one transaction; the next RCPT gets `452 4.5.3`. */
export const MAX_RECIPIENTS = 1000;
/** A client idle this long while we wait for its input gets `421` and is closed. */
export const IDLE_TIMEOUT_MS = 5 * 60_000;
/** On shutdown, connections still open after this are cut. */
export const CLOSE_TIMEOUT_MS = 10_000;
/** The spam header is looked for in the first this many bytes of the header. */
export const MAX_HEADER_SCAN = 256 * 1024;
/** How long a store's folder list is trusted for choosing Inbox / Junk / a plus-address folder. */
export const FOLDER_CACHE_MS = 30_000;
export const FOLDER_CACHE_MAX = 10_000;
/**
 * How long a resolved recipient (address → user and store) is reused: one server call less per
 * RCPT under load. A user deleted meanwhile fails at delivery with a 4xx, and the MTA's retry
 * then gets the 550. Failures are never cached.
 */
export const RESOLVE_CACHE_MS = 5_000;
export const RESOLVE_CACHE_MAX = 10_000;
/** Longest folder name taken from a plus address (`user+folder@domain`). */
export const MAX_PLUS_FOLDER = 255;
