/**
 * The message header as the dagent needs it: one header's values (for the spam check) and the
 * trace fields a delivery agent prepends (Return-Path, Received). The message bytes themselves
 * are never rewritten; malformed input is read as far as it goes.
 */
import { MAX_HEADER_SCAN } from './limits.js';

/** The header block (without the blank line), at most MAX_HEADER_SCAN bytes, as latin1 (byte-preserving). */
export function headerBlock(message: Buffer): string {
  const head = message.subarray(0, MAX_HEADER_SCAN);
  const crlf = head.indexOf('\r\n\r\n');
  const lf = head.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  const end = ends.length > 0 ? Math.min(...ends) : head.length;
  return head.subarray(0, end).toString('latin1');
}

/** Unfolded values of every header field called `name` (case-insensitive). */
export function headerValues(message: Buffer, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  const unfolded = headerBlock(message).replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (line.slice(0, colon).trim().toLowerCase() === wanted) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

/** KGC's junk rule: a `spam_header_name` field whose value contains `spam_header_value` (case-insensitive). */
export function isSpam(message: Buffer, headerName: string, headerValue: string): boolean {
  if (headerName === '' || headerValue === '') return false;
  const needle = headerValue.toLowerCase();
  return headerValues(message, headerName).some((v) => v.toLowerCase().includes(needle));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date-time in UTC, e.g. `Mon, 04 Mar 2024 12:32:00 +0000`. */
export function rfc5322Date(d: Date): string {
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

export interface TraceInfo {
  /** Envelope sender; `''` for the null sender; undefined when unknown (CLI mode): no Return-Path. */
  sender?: string;
  /** What the client called itself (LHLO). */
  helo?: string;
  /** Client host name and address. */
  clientHost?: string;
  clientAddress?: string;
  /** Our name. */
  by: string;
  /** LMTP, LMTPS (TLS) or `local` (CLI). */
  protocol: string;
  id: string;
  /** Only with a single recipient: the bytes must be the same for all recipients (one blob). */
  for?: string;
  date: Date;
}

/** Strips what could break a header line out of a client-supplied value. */
function clean(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x20 && c !== 0x7f && !'()<>[]'.includes(ch)) out += ch;
  }
  return out.slice(0, 255);
}

/** `Return-Path:` and `Received:` lines (CRLF-terminated), to prepend to the received bytes. */
export function traceHeaders(t: TraceInfo): Buffer {
  const lines: string[] = [];
  if (t.sender !== undefined) lines.push(`Return-Path: <${clean(t.sender)}>`);
  const from =
    t.helo !== undefined || t.clientAddress !== undefined
      ? `from ${clean(t.helo ?? 'unknown')} (${clean(t.clientHost ?? 'unknown')} [${clean(t.clientAddress ?? '')}])\r\n\t`
      : '';
  const forClause = t.for !== undefined ? `\r\n\tfor <${clean(t.for)}>` : '';
  lines.push(
    `Received: ${from}by ${clean(t.by)} (KGC-TS dagent) with ${t.protocol} id ${clean(t.id)}${forClause}; ${rfc5322Date(t.date)}`,
  );
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}
