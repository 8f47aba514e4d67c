/**
 * Every fixed limit of the spooler in one place (the configurable ones are in config.ts:
 * max_threads, queue_lease_time, retry_*, smtp_timeout, submission_max_*).
 */

/** After a failed claim (server down), the loop waits this long before it tries again (KGC: 3 s). */
export const CLAIM_RETRY_MS = 3_000;
/** Leases are renewed this many times per lease period while a message is being sent. */
export const RENEWALS_PER_LEASE = 3;
/** On shutdown, sends still running after this are left to their lease (another spooler takes them). */
export const STOP_TIMEOUT_MS = 30_000;
/** A sent message whose finishedMessages call fails is retried this many times (1 s doubling, at most 30 s each). */
export const FINISH_RETRIES = 8;
/** How long a user's addresses and send-as list are reused. */
export const USER_CACHE_MS = 30_000;
export const USER_CACHE_MAX = 10_000;
/** How long a store's folder list (Inbox for NDRs, Deleted Items) is reused. */
export const FOLDER_CACHE_MS = 60_000;
export const FOLDER_CACHE_MAX = 10_000;
/** Most recipients of one message (more are refused with an NDR). */
export const MAX_RECIPIENTS = 1000;
/** The original is attached whole to an NDR up to this size; larger, only its header. */
export const NDR_MAX_ORIGINAL = 10 * 1024 * 1024;
/** Longest relay reply kept (NDR, logs, queue entry). */
export const MAX_REPLY_TEXT = 1000;
/** Submission: longest command line, recipients per transaction, idle timeout, auth failures per connection. */
export const SUBMISSION_MAX_COMMAND_LINE = 4096;
export const SUBMISSION_MAX_RECIPIENTS = 1000;
export const SUBMISSION_IDLE_TIMEOUT_MS = 5 * 60_000;
export const SUBMISSION_MAX_AUTH_FAILURES = 3;
export const SUBMISSION_CLOSE_TIMEOUT_MS = 10_000;
