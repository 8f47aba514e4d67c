import type { Rfc822Reader } from './rfc822-reader.js';

/** A Content-Type / Content-Disposition parameter as IMAP reports it (bytes as written). */
export interface MimeParam {
  name: Buffer;
  value: Buffer;
}

interface Segment {
  key: string;
  value: Buffer;
  index: number;
  extended: boolean;
}

const PERCENT = 0x25;

function escapePercent(value: Buffer): Buffer {
  if (value.indexOf(PERCENT) === -1) return value;
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === PERCENT) {
      parts.push(value.subarray(from, i), Buffer.from('%25', 'latin1'));
      from = i + 1;
    }
  }
  parts.push(value.subarray(from));
  return Buffer.concat(parts);
}

/**
 * Reads the `; key=value` list after a Content-Type / Content-Disposition value, the way Dovecot's rfc2231_parse
 * does: plain parameters keep header order (duplicates included); RFC 2231 sections `key*N` / `key*N*` / `key*`
 * are joined in index order and appended after the plain ones. Joined values are **not** decoded: an extended
 * parameter keeps its `*` and the `charset'language'` prefix and %XX escapes (plain sections inside an extended
 * value get their `%` escaped). When the sections of a key have a gap, they are listed one by one instead.
 * Broken parameters are skipped; reading never fails.
 */
export function readMimeParams(reader: Rfc822Reader): MimeParam[] {
  const result: MimeParam[] = [];
  const segments: Segment[] = [];
  // Dovecot reuses one struct for all sections, so a bare `key*` inherits the previous section's index.
  let index = 0;
  for (;;) {
    const { ret, key: keyBytes, value } = reader.parseContentParam();
    if (ret === 0) break;
    if (ret < 0) {
      if (reader.atEnd) break;
      reader.pos++;
      continue;
    }
    const key = keyBytes.toString('latin1');
    const star = key.indexOf('*');
    if (star !== -1) {
      let p = star;
      if (p + 1 < key.length) {
        p++;
        index = 0;
        while (p < key.length && key.charCodeAt(p) >= 0x30 && key.charCodeAt(p) <= 0x39) {
          index = (index * 10 + key.charCodeAt(p) - 0x30) >>> 0;
          p++;
        }
      }
      let extended = false;
      if (key[p] === '*') {
        extended = true;
        p++;
      }
      if (p >= key.length) {
        segments.push({ key: key.slice(0, star), value, index, extended });
        continue;
      }
    }
    result.push({ name: keyBytes, value });
  }
  if (segments.length === 0) return result;

  segments.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  for (let i = 0; i < segments.length; ) {
    const first = segments[i] as Segment;
    const firstKey = first.key.toLowerCase();
    let j = i;
    let ok = true;
    let haveExtended = false;
    for (let expected = 0; j < segments.length; j++, expected++) {
      const seg = segments[j] as Segment;
      if (seg.key.toLowerCase() !== firstKey) break;
      if (seg.index !== expected) ok = false;
      if (seg.extended) haveExtended = true;
    }
    const group = segments.slice(i, j);
    i = j;
    if (!ok) {
      for (const seg of group) {
        const name = `${seg.key}*${seg.index}${seg.extended ? '*' : ''}`;
        result.push({ name: Buffer.from(name, 'latin1'), value: seg.value });
      }
      continue;
    }
    const parts: Buffer[] = [];
    if (!first.extended && haveExtended) parts.push(Buffer.from("''", 'latin1'));
    for (const seg of group) parts.push(!seg.extended && haveExtended ? escapePercent(seg.value) : seg.value);
    const name = haveExtended ? `${first.key}*` : first.key;
    result.push({ name: Buffer.from(name, 'latin1'), value: Buffer.concat(parts) });
  }
  return result;
}
