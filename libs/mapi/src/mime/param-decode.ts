import { decodeCharset } from './charset.js';
import { decodeHeaderText } from './header-decode.js';
import type { MimeParam } from './rfc2231.js';
import type { DecodedParam } from './types.js';

function percentDecode(text: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as number;
    if (c === 0x25 && i + 2 < text.length) {
      const hex = text.toString('latin1', i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    out.push(c);
  }
  return Buffer.from(out);
}

/** Decodes an RFC 2231 extended value `charset'language'%XX...` to a string. */
export function decodeExtendedValue(value: Buffer): string {
  const first = value.indexOf(0x27);
  const second = first === -1 ? -1 : value.indexOf(0x27, first + 1);
  if (second === -1) return percentDecode(value).toString('utf8');
  const charset = value.toString('latin1', 0, first);
  const bytes = percentDecode(value.subarray(second + 1));
  return decodeCharset(bytes, charset === '' ? 'utf-8' : charset) ?? bytes.toString('utf8');
}

/**
 * Parameters for applications: names lower-cased without RFC 2231 markers, extended values decoded from their
 * charset, plain values with RFC 2047 words decoded (common for file names) and 8-bit read as UTF-8. When a name
 * occurs both plain and extended the extended value wins; otherwise the first occurrence wins.
 */
export function decodeParams(params: readonly MimeParam[]): DecodedParam[] {
  const byName = new Map<string, { value: string; extended: boolean }>();
  for (const p of params) {
    const rawName = p.name.toString('latin1');
    const star = rawName.indexOf('*');
    const extended = rawName.endsWith('*') && star === rawName.length - 1;
    const name = (star === -1 ? rawName : rawName.slice(0, star)).toLowerCase();
    const value = extended ? decodeExtendedValue(p.value) : decodeHeaderText(p.value);
    const prev = byName.get(name);
    if (prev === undefined || (extended && !prev.extended)) byName.set(name, { value, extended });
  }
  return [...byName].map(([name, v]) => ({ name, value: v.value }));
}
