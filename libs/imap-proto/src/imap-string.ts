/**
 * IMAP string output (RFC 3501 section 4.3 / 9). Values are bytes; results are the exact octets to send.
 * The choice between forms follows Dovecot 2.3, the reference of the project's differential tests.
 */

const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Past this many `"`/`\` a quoted string is longer than a literal for typical lengths (Dovecot's threshold). */
const MAX_QUOTED_ESCAPES = 4;

const NIL = Buffer.from('NIL', 'latin1');

export type ImapText = Buffer | string;

function bytesOf(value: ImapText): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** Thrown when a value cannot be written in the form asked for. */
export class ImapStringError extends Error {
  override readonly name = 'ImapStringError';
}

/** True when the value can be sent as a quoted string (no CR, LF, NUL or 8-bit octet). */
export function isQuotable(value: ImapText): boolean {
  for (const b of bytesOf(value)) {
    if (b === CR || b === LF || b === 0 || b >= 0x80) return false;
  }
  return true;
}

/** `"..."` with `"` and `\` escaped. Throws {@link ImapStringError} when the value is not quotable. */
export function quoted(value: ImapText): Buffer {
  const data = bytesOf(value);
  if (!isQuotable(data)) throw new ImapStringError('value holds CR, LF, NUL or 8-bit octets and cannot be quoted');
  const out: number[] = [DQUOTE];
  for (const b of data) {
    if (b === DQUOTE || b === BACKSLASH) out.push(BACKSLASH);
    out.push(b);
  }
  out.push(DQUOTE);
  return Buffer.from(out);
}

/** `{n}CRLF` followed by the octets. A NUL, which a literal must not hold, is sent as 0x80 (Dovecot's choice). */
export function literal(value: ImapText): Buffer {
  const data = bytesOf(value);
  const body = data.indexOf(0) === -1 ? data : Buffer.from(data.map((b) => (b === 0 ? 0x80 : b)));
  return Buffer.concat([Buffer.from(`{${body.length}}\r\n`, 'latin1'), body]);
}

/** A string: quoted when that is possible and not longer than needed, a literal otherwise. */
export function imapString(value: ImapText): Buffer {
  const data = bytesOf(value);
  let escapes = 0;
  for (const b of data) {
    if (b === DQUOTE || b === BACKSLASH) {
      if (++escapes > MAX_QUOTED_ESCAPES) return literal(data);
    } else if (b === CR || b === LF || b === 0 || b >= 0x80) {
      return literal(data);
    }
  }
  return quoted(data);
}

/** NIL for null, otherwise {@link imapString}. */
export function nstring(value: ImapText | null): Buffer {
  return value === null ? NIL : imapString(value);
}

/** Like {@link nstring} after removing CR and LF octets (folded header values). */
export function nstringNoLf(value: ImapText | null): Buffer {
  if (value === null) return NIL;
  const data = bytesOf(value);
  if (data.indexOf(CR) < 0 && data.indexOf(LF) < 0) return imapString(data);
  return imapString(Buffer.from(data.filter((b) => b !== CR && b !== LF)));
}

/** ASTRING-CHAR: ATOM-CHAR or "]" (RFC 3501). */
function isAstringChar(b: number): boolean {
  if (b <= 0x20 || b >= 0x7f) return false;
  return !(b === 0x28 || b === 0x29 || b === 0x7b || b === 0x25 || b === 0x2a || b === DQUOTE || b === BACKSLASH);
}

/** An atom when every octet is an ASTRING-CHAR (and the value is neither empty nor "NIL"), else a string. */
export function astring(value: ImapText): Buffer {
  const data = bytesOf(value);
  if (data.length === 0 || data.toString('latin1').toUpperCase() === 'NIL' || !data.every(isAstringChar)) {
    return imapString(data);
  }
  return Buffer.from(data);
}

/**
 * A header text for display (ENVELOPE subject and names, Dovecot's choice): sent quoted as is when it has no fold,
 * tab, repeated or edge blank, `"`, `\`, NUL or 8-bit octet; otherwise unfolded (CR/LF removed), each run of blanks
 * collapsed to one space, leading and trailing blanks removed, NUL sent as 0x80, and written as a literal
 * ("" when nothing is left).
 */
export function stringForHumans(value: ImapText): Buffer {
  const data = bytesOf(value);
  let modify = false;
  let lastLwsp = true;
  let whitespacePrefix = true;
  for (const b of data) {
    if (b === 0) {
      lastLwsp = false;
      modify = true;
    } else if (b === 0x09 || b === 0x20) {
      if (b === 0x09 || lastLwsp) modify = true;
      lastLwsp = true;
    } else if (b === CR || b === LF) {
      modify = true;
    } else {
      if (b === DQUOTE || b === BACKSLASH || b >= 0x80) modify = true;
      lastLwsp = false;
    }
    if (!lastLwsp) whitespacePrefix = false;
  }
  if (lastLwsp && data.length > 0 && !whitespacePrefix) modify = true;
  if (!modify) return Buffer.concat([Buffer.from('"'), data, Buffer.from('"')]);

  const out: number[] = [];
  lastLwsp = true;
  for (const b of data) {
    if (b === 0) {
      out.push(0x80);
      lastLwsp = false;
    } else if (b === 0x09 || b === 0x20) {
      if (!lastLwsp) out.push(0x20);
      lastLwsp = true;
    } else if (b !== CR && b !== LF) {
      out.push(b);
      lastLwsp = false;
    }
  }
  if (lastLwsp && out.length > 0) out.pop();
  if (out.length === 0) return Buffer.from('""', 'latin1');
  return literal(Buffer.from(out));
}

export { NIL as NIL_BYTES };
