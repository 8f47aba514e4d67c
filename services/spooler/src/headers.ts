/**
 * The header block of a raw RFC 5322 message, read without decoding: what the spooler needs to
 * take the envelope from To/Cc/Bcc and to rewrite the header for the relay (Bcc removed, Date
 * and Message-ID added when missing) while every other byte stays as the user stored it.
 */

export interface HeaderField {
  /** Lower-case field name; '' for a line without a colon (kept as it is). */
  name: string;
  /** Byte offsets of the whole field in the message, continuation lines and line end included. */
  start: number;
  end: number;
  /** The value with folding removed (CR/LF of continuation lines dropped), still encoded. */
  value: Buffer;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset of the empty line that ends the header (the message length when there is none). */
  headerEnd: number;
  /** The line end the message uses (LF-only messages exist). */
  eol: '\r\n' | '\n';
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

function lineEnd(raw: Buffer, from: number): number {
  const i = raw.indexOf(LF, from);
  return i < 0 ? raw.length : i + 1;
}

function stripEol(line: Buffer): Buffer {
  let n = line.length;
  if (n > 0 && line[n - 1] === LF) n--;
  if (n > 0 && line[n - 1] === CR) n--;
  return line.subarray(0, n);
}

/** Splits the header block into fields. Never fails: junk lines become nameless fields. */
export function parseHeader(raw: Buffer): HeaderBlock {
  const firstLf = raw.indexOf(LF);
  const eol = firstLf > 0 && raw[firstLf - 1] === CR ? '\r\n' : '\n';
  const fields: HeaderField[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const first = raw[pos];
    // The empty line ends the header.
    if (first === LF || (first === CR && raw[pos + 1] === LF)) break;
    let end = lineEnd(raw, pos);
    const parts = [stripEol(raw.subarray(pos, end))];
    while (end < raw.length && (raw[end] === SP || raw[end] === HT)) {
      const next = lineEnd(raw, end);
      parts.push(stripEol(raw.subarray(end, next)));
      end = next;
    }
    const line = Buffer.concat(parts);
    const colon = line.indexOf(COLON);
    const rawName = colon > 0 ? line.subarray(0, colon).toString('latin1') : '';
    const valid = rawName !== '' && /^[\x21-\x39\x3b-\x7e]+$/.test(rawName);
    fields.push({
      name: valid ? rawName.toLowerCase() : '',
      start: pos,
      end,
      value: valid ? trimStart(line.subarray(colon + 1)) : Buffer.alloc(0),
    });
    pos = end;
  }
  return { fields, headerEnd: pos, eol };
}

function trimStart(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length && (b[i] === SP || b[i] === HT)) i++;
  return b.subarray(i);
}

export function fieldValues(h: HeaderBlock, name: string): Buffer[] {
  return h.fields.filter((f) => f.name === name).map((f) => f.value);
}

export function hasField(h: HeaderBlock, name: string): boolean {
  return h.fields.some((f) => f.name === name);
}

export interface RewriteOptions {
  /** Field names (lower case) to drop, e.g. bcc. */
  drop: readonly string[];
  /** Whole field lines to add at the top, without line ends (`Date: ...`). */
  add: readonly string[];
}

/** The message with the fields in `drop` removed and `add` prepended; other bytes unchanged. */
export function rewriteHeader(raw: Buffer, h: HeaderBlock, opts: RewriteOptions): Buffer {
  const out: Buffer[] = opts.add.map((line) => Buffer.from(`${line}${h.eol}`, 'utf8'));
  let pos = 0;
  for (const f of h.fields) {
    if (!opts.drop.includes(f.name)) continue;
    out.push(raw.subarray(pos, f.start));
    pos = f.end;
  }
  out.push(raw.subarray(pos));
  return Buffer.concat(out);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date-time in UTC (`Tue, 03 Feb 2026 10:00:00 +0000`). */
export function rfc5322Date(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
