import iconv from 'iconv-lite';
import { decode as decodeWithLibmime } from 'libmime/lib/charset.js';

/** Charsets decoded as UTF-8 (Dovecot treats US-ASCII as UTF-8 too, so undeclared UTF-8 bodies stay readable). */
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'ansi_x3.4-1968', '7bit', '8bit']);
/** iconv-lite has no codec for these; libmime decodes them with encoding-japanese. */
const JAPANESE = /^(?:iso-?2022-?jp(?:-\d)?|csiso2022jp|jis)$/i;
/** Names iconv-lite resolves to something that is not a character set. */
const NOT_CHARSETS = new Set(['base64', 'hex', 'binary', 'ucs2', 'ucs-2']);

function clean(name: string): string {
  return name.trim().toLowerCase();
}

/** True when `name` is a character set this module can decode. */
export function isKnownCharset(name: string): boolean {
  const n = clean(name);
  if (n === '' || NOT_CHARSETS.has(n)) return false;
  return UTF8_NAMES.has(n) || JAPANESE.test(n) || iconv.encodingExists(n);
}

/** Decodes bytes in a charset to a string; null when the charset is unknown. Invalid sequences become U+FFFD. */
export function decodeCharset(data: Buffer, name: string): string | null {
  const n = clean(name);
  if (UTF8_NAMES.has(n)) return data.toString('utf8');
  if (!isKnownCharset(n)) return null;
  try {
    if (JAPANESE.test(n)) return decodeWithLibmime(data, n);
    return iconv.decode(data, n);
  } catch {
    return null;
  }
}
