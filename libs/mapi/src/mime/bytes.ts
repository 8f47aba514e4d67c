/** Byte-level helpers shared by the MIME modules. All offsets are into the raw message buffer. */

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const TAB = 0x09;
export const NUL = 0x00;

export const EMPTY: Buffer = Buffer.alloc(0);

export function isLwsp(byte: number | undefined): boolean {
  return byte === SP || byte === TAB;
}

/** Octets, octets with every bare LF counted as CRLF, and LF count of a byte range. */
export interface MessageSize {
  /** Octets as stored. */
  physical: number;
  /** Octets when each LF not preceded by CR is counted as CRLF (what IMAP reports). */
  virtual: number;
  /** Number of LF octets. */
  lines: number;
}

export function zeroSize(): MessageSize {
  return { physical: 0, virtual: 0, lines: 0 };
}

/** Size of raw[start, end). An LF at `start` looks at raw[start - 1] to decide whether it has its CR. */
export function measureRange(raw: Buffer, start: number, end: number): MessageSize {
  let lines = 0;
  let missingCr = 0;
  let i = start < end ? raw.indexOf(LF, start) : -1;
  while (i !== -1 && i < end) {
    lines++;
    if (i === 0 || raw[i - 1] !== CR) missingCr++;
    i = i + 1 < end ? raw.indexOf(LF, i + 1) : -1;
  }
  const physical = Math.max(0, end - start);
  return { physical, virtual: physical + missingCr, lines };
}

export function addSize(into: MessageSize, add: MessageSize): void {
  into.physical += add.physical;
  into.virtual += add.virtual;
  into.lines += add.lines;
}

/**
 * The form IMAP sends section data in (Dovecot's choice): every LF without a CR before it becomes CRLF and
 * every NUL becomes 0x80 (a literal must not hold NUL). Returns the input itself when nothing changes.
 */
export function toImapLineEnds(data: Buffer): Buffer {
  // Counted with the native search: one call per NUL and per line, not one step per byte.
  let changes = 0;
  for (let z = data.indexOf(NUL); z !== -1; z = data.indexOf(NUL, z + 1)) changes++;
  for (let lf = data.indexOf(LF); lf !== -1; lf = data.indexOf(LF, lf + 1))
    if (lf === 0 || data[lf - 1] !== CR) changes++;
  if (changes === 0) return data;
  const out = Buffer.allocUnsafe(data.length + changes);
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    if (b === NUL) {
      out[o++] = 0x80;
    } else if (b === LF && (i === 0 || data[i - 1] !== CR)) {
      out[o++] = CR;
      out[o++] = LF;
    } else {
      out[o++] = b;
    }
  }
  return out.subarray(0, o);
}

/** Copy without CR and LF octets (unfolding); returns the input when it has none. */
export function withoutCrLf(data: Buffer): Buffer {
  if (data.indexOf(CR) === -1 && data.indexOf(LF) === -1) return data;
  const out = Buffer.allocUnsafe(data.length);
  let o = 0;
  for (const b of data) {
    if (b !== CR && b !== LF) out[o++] = b;
  }
  return out.subarray(0, o);
}

/** The bytes before the first NUL (Dovecot stores these values as C strings). */
export function untilNul(data: Buffer): Buffer {
  const i = data.indexOf(NUL);
  return i === -1 ? data : data.subarray(0, i);
}

export function asciiLower(data: Buffer): string {
  return data.toString('latin1').toLowerCase();
}

export function equalsIgnoreCase(data: Buffer, ascii: string): boolean {
  if (data.length !== ascii.length) return false;
  return data.toString('latin1').toLowerCase() === ascii.toLowerCase();
}

/** Growable byte buffer for building values octet by octet. */
export class ByteWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initial = 64) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(data: Uint8Array, start = 0, end = data.length): void {
    if (end <= start) return;
    this.ensure(end - start);
    this.buf.set(data.subarray(start, end), this.len);
    this.len += end - start;
  }

  ascii(text: string): void {
    this.ensure(text.length);
    this.len += this.buf.write(text, this.len, 'latin1');
  }

  truncate(length: number): void {
    if (length < this.len) this.len = length;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}
