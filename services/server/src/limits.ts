import { SEARCH_BODIES_LIMITS } from '@kgc/soap';

/**
 * Every fixed limit of the server in one place (configurable ones are in config.ts:
 * soap_max_request_size, notify_max_wait, session_timeout).
 */

/** Most messages one loadMessages call loads, and most bytes (the first message always; the rest are deferred). */
export const MAX_LOAD_MESSAGES = 256;
export const MAX_LOAD_BYTES = 64 * 1024 * 1024;
/**
 * searchBodies: most messages and texts per call and the longest text (the API's
 * SEARCH_BODIES_LIMITS), and the group of messages read at once (bytes, count; a larger message
 * is read alone). A call holds two groups at most.
 */
export const MAX_SEARCH_BODIES = SEARCH_BODIES_LIMITS.messages;
export const MAX_SEARCH_TEXTS = SEARCH_BODIES_LIMITS.texts;
export const MAX_SEARCH_TEXT_LENGTH = SEARCH_BODIES_LIMITS.textLength;
export const SEARCH_GROUP_BYTES = 8 * 1024 * 1024;
export const SEARCH_GROUP_MESSAGES = 512;
/**
 * searchBodies calls of the process searching at once (the others wait), and the bytes of
 * messages they hold together (a larger message is read when nothing else is held).
 */
export const MAX_CONCURRENT_SEARCHES = 8;
export const SEARCH_MEMORY_BYTES = 64 * 1024 * 1024;
/** Most rows one tableQueryRows call returns; page with offset beyond it. */
export const MAX_TABLE_ROWS = 100_000;
/** Most journal entries one getChanges / notifyGetItems answer holds (`more` says there are others). */
export const MAX_CHANGES = 10_000;
/** Most queue entries one claimOutgoing call leases, and the longest lease. */
export const MAX_CLAIM = 1000;
export const MAX_LEASE_SECONDS = 3600;
/** Longest deferral of a queue entry. */
export const MAX_DEFER_SECONDS = 7 * 86_400;
/** How long a verified password is remembered (Dovecot's auth_cache idea), and how many. */
export const AUTH_CACHE_TTL_MS = 60_000;
export const AUTH_CACHE_MAX = 10_000;
/** How long a replica trusts a session it looked up (a logoff elsewhere is seen after at most this). */
export const SESSION_CACHE_MS = 5_000;
export const SESSION_CACHE_MAX = 50_000;
/** Longest session id accepted (ours are 43 characters). */
export const MAX_SESSION_ID = 128;
/**
 * Group commit: most messages in one gathered transaction, and transactions in flight at once
 * (on disjoint stores; the same store's wait for each other, see write-batcher.ts).
 */
export const MAX_BATCH_MESSAGES = 64;
export const MAX_IN_FLIGHT = 2;
/** Folder id -> store id cache of the hot paths. */
export const FOLDER_CACHE_MAX = 100_000;
/** submitRawMessage: most envelope recipients, and the longest address (RFC 5321: 64 + 1 + 255). */
export const MAX_SUBMIT_RECIPIENTS = 1000;
export const MAX_ADDRESS_LENGTH = 320;
/** setMessageFlags by uids: most ranges in the uid set (a STORE over a whole mailbox sends a few). */
export const MAX_FLAG_UID_RANGES = 100_000;
