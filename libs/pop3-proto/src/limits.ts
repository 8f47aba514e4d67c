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
/** RFC 2449 §4: a command argument is at most 40 octets. Longer arguments are refused. */
export const MAX_ARGUMENT = 40;
/** A message number larger than this is not a message number (no maildrop holds that many). */
export const MAX_MESSAGE_NUMBER = 10_000_000;
