/**
 * POP3 replies: status lines with RFC 2449/3206 response codes, multi-line responses with
 * dot-stuffing (RFC 1939 §3), and messages (RETR) or their first lines (TOP) as multi-line
 * responses with every line ending normalised to CRLF.
 */

/** RFC 2449 §8 / RFC 3206 response codes. */
export type RespCode = 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH';

const CRLF = Buffer.from('\r\n', 'latin1');
const TERMINATOR = Buffer.from('.\r\n', 'latin1');

/** Status text without line breaks or control characters (it is echoed from errors and input). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
const CONTROL = /[\x00-\x1f\x7f]+/g;

function clean(text: string): string {
  return text.replace(CONTROL, ' ').trim();
}

function status(kind: '+OK' | '-ERR', text: string, code?: RespCode): Buffer {
  const t = clean(text);
  const parts = [kind, ...(code ? [`[${code}]`] : []), ...(t ? [t] : [])];
  return Buffer.from(`${parts.join(' ')}\r\n`, 'utf8');
}

export function ok(text = '', code?: RespCode): Buffer {
  return status('+OK', text, code);
}

export function err(text: string, code?: RespCode): Buffer {
  return status('-ERR', text, code);
}

/** A SASL continuation (RFC 5034 §4): `+ ` and base64 data. */
export function continuation(base64 = ''): Buffer {
  return Buffer.from(`+ ${base64}\r\n`, 'latin1');
}

/** A multi-line response: status line, each line dot-stuffed, the terminating `.`. */
export function multiline(first: Buffer, lines: readonly string[]): Buffer {
  const body = lines.map((l) => `${l.startsWith('.') ? '.' : ''}${clean(l)}\r\n`).join('');
  return Buffer.concat([first, Buffer.from(body, 'utf8'), TERMINATOR]);
}

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;

/** Every line ends in CRLF (the last one too) and none starts with a dot: sent as it is. */
function sendsAsIs(raw: Buffer): boolean {
  if (raw.length === 0 || raw[0] === DOT || raw[raw.length - 1] !== LF) return false;
  for (let lf = raw.indexOf(LF); lf !== -1; lf = raw.indexOf(LF, lf + 1)) {
    if (raw[lf - 1] !== CR || raw[lf + 1] === DOT) return false;
  }
  return true;
}

/**
 * A message as the body of a multi-line response, in chunks of about `chunkSize` bytes: line
 * ends become CRLF, lines starting with `.` get another, and the result ends with CRLF `.` CRLF.
 * With `topLines`, only the header, the blank line and that many body lines (TOP). `head` (the
 * status line) goes first, in the first chunk: one write for a small message.
 */
export function* dotStuffed(
  raw: Buffer,
  options: { topLines?: number; chunkSize?: number; head?: Buffer } = {},
): Generator<Buffer> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const top = options.topLines;
  // Most messages need no change: one copy, not one piece per line.
  if (top === undefined && raw.length <= chunkSize && sendsAsIs(raw)) {
    yield Buffer.concat(options.head ? [options.head, raw, TERMINATOR] : [raw, TERMINATOR]);
    return;
  }
  let pending: Buffer[] = options.head ? [options.head] : [];
  let pendingBytes = pending[0]?.length ?? 0;
  let inBody = false;
  let bodyLines = 0;
  let pos = 0;
  while (pos < raw.length) {
    if (top !== undefined && inBody && bodyLines >= top) break;
    const lf = raw.indexOf(LF, pos);
    const next = lf < 0 ? raw.length : lf + 1;
    let end = lf < 0 ? raw.length : lf;
    if (end > pos && raw[end - 1] === CR) end--;
    const line = raw.subarray(pos, end);
    if (line.length > 0 && line[0] === DOT) pending.push(Buffer.from('.', 'latin1'));
    pending.push(line, CRLF);
    pendingBytes += line.length + 3;
    if (inBody) bodyLines++;
    else if (line.length === 0) inBody = true;
    pos = next;
    if (pendingBytes >= chunkSize) {
      yield Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
    }
  }
  // A message not ending in a line break got one above: the terminator is on its own line.
  pending.push(TERMINATOR);
  yield Buffer.concat(pending);
}
