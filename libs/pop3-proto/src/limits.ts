/**
 * The protocol's own size limits (the service's limits — failures, delays, timeouts — live in the
 * gateway's limits.ts).
 */

/** RFC 2449 §4: a command line is at most 255 octets including the CRLF. */
export const MAX_COMMAND_LINE = 255;
/**
 * RFC 5034 §4: the AUTH command and SASL responses may be longer (a PLAIN response carries
 * authzid, authcid and password, base64-encoded); at least 1024 octets must be accepted.
 */
export const MAX_SASL_LINE = 2048;
/**
 * RFC 2449 §4: a command argument is at most 40 octets; longer ones are refused. Not USER's: that
 * 40 binds clients, and a login name may be a long address (bounded by the line).
 */
export const MAX_ARGUMENT = 40;
/** TOP's line count: any decimal number of up to this many digits (a larger count is "all of it"). */
export const MAX_LINE_COUNT_DIGITS = 20;
/** A message number larger than this is not a message number (no maildrop holds that many). */
export const MAX_MESSAGE_NUMBER = 10_000_000;
