/**
 * The header block of a message: its bytes through the first empty line (CRLF CRLF or bare
 * LF LF), or all of it when it has none. What the server sends for header-only loads, and what an
 * IMAP header section (HEADER, HEADER.FIELDS, RFC822.HEADER) is cut from.
 */
export function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf >= 0 ? crlf + 4 : -1, lf >= 0 ? lf + 2 : -1].filter((n) => n >= 0);
  // A message that starts with its empty line has no header fields.
  if (raw[0] === 0x0a) return raw.subarray(0, 1);
  if (raw[0] === 0x0d && raw[1] === 0x0a) return raw.subarray(0, 2);
  return ends.length > 0 ? raw.subarray(0, Math.min(...ends)) : raw;
}
