/**
 * Resource limits of the MIME parser. Every limit that protects the parser from hostile input lives here.
 * A structure beyond a limit is not an error: the part is kept as an opaque body, the way Dovecot does it.
 */

/**
 * Deepest node depth (the message is depth 0; each multipart child or encapsulated message adds one).
 * A multipart or message/rfc822 part whose children would reach this depth is treated as a single opaque body.
 */
export const MAX_MIME_DEPTH = 50;

/**
 * Most MIME parts created for one message. Once reached, no further boundary line is recognised, so the
 * rest of the message becomes the body of the part being read (Dovecot's `max_total_mime_parts`).
 */
export const MAX_MIME_PARTS = 10_000;
