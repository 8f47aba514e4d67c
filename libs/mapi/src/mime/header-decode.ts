import { withoutCrLf } from './bytes.js';
import { decodeCharset } from './charset.js';
import { decodeBase64Word, decodeQWord } from './transfer-decode.js';

function isOnlyWhitespace(data: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = data[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

/**
 * Parses "charset?enc?text?=" starting at `start` (just after "=?"). Returns the offset after "?=" and the
 * decoded text (null when the charset is unknown), or null when this is not an encoded word.
 */
function readEncodedWord(data: Buffer, start: number): { next: number; text: string | null } | null {
  const marks: number[] = [];
  let i = start;
  for (; i < data.length; i++) {
    if (data[i] === 0x3f) {
      marks.push(i);
      if (marks.length === 3) break;
    }
  }
  if (i >= data.length || data[i + 1] !== 0x3d) return null;
  const [q1, q2, q3] = marks as [number, number, number];
  const charset = data.toString('latin1', start, q1);
  const payload = data.subarray(q2 + 1, q3);
  const enc = data[q1 + 1];
  let bytes: Buffer;
  if (enc === 0x51 || enc === 0x71) bytes = decodeQWord(payload);
  else if (enc === 0x42 || enc === 0x62) bytes = decodeBase64Word(payload);
  else return null;
  const next = q3 + 2;
  if (bytes.length === 0) return { next, text: '' };
  return { next, text: decodeCharset(bytes, charset) };
}

/**
 * Decodes RFC 2047 encoded words in a header value to a UTF-8 string, tolerantly and the way Dovecot's SEARCH
 * sees headers: whitespace between two encoded words is dropped; an encoded word glued to other text is still
 * decoded; a malformed word (no "?=", unknown encoding letter) stays as raw text; a word in an unknown charset
 * (also "UTF-8*lang", the RFC 2231 language form) or with unusable base64 is dropped; raw 8-bit text is read as
 * UTF-8, and invalid UTF-8 becomes U+FFFD. Folding line breaks are removed first.
 */
export function decodeHeaderText(value: Buffer | string): string {
  const data = withoutCrLf(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  if (data.indexOf('=?') === -1) return data.toString('utf8'); // no encoded word: the loop below would say the same
  let out = '';
  let rawStart = 0;
  let pos = 0;
  while (pos + 1 < data.length) {
    if (data[pos] !== 0x3d || data[pos + 1] !== 0x3f) {
      pos++;
      continue;
    }
    if (pos !== rawStart && !isOnlyWhitespace(data, rawStart, pos)) {
      out += data.toString('utf8', rawStart, pos);
    }
    const word = readEncodedWord(data, pos + 2);
    if (word === null) {
      rawStart = pos;
      pos += 2;
      continue;
    }
    if (word.text !== null) out += word.text;
    pos = word.next;
    rawStart = pos;
  }
  if (rawStart < data.length) out += data.toString('utf8', rawStart);
  return out;
}
