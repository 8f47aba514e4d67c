/**
 * Splits the client's byte stream into command lines (CRLF, or a bare LF as many clients send).
 * A line longer than the limit is reported once, and its remaining bytes are skipped up to the
 * next line end, so one overlong line never buffers without bound.
 */

export type LineEvent = { kind: 'line'; line: Buffer } | { kind: 'too-long' };

export class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  private skipping = false;

  constructor(private maxLine: number) {}

  /** Change the limit (e.g. a SASL continuation accepts longer lines). */
  setMaxLine(max: number): void {
    this.maxLine = max;
  }

  /** Bytes received but not yet returned as a line. */
  get pending(): number {
    return this.buf.length;
  }

  /** Discard buffered input (STLS: nothing sent before the handshake may count as a command). */
  clear(): void {
    this.buf = Buffer.alloc(0);
    this.skipping = false;
  }

  /** Feed bytes; returns the complete lines (without the line end) and limit violations, in order. */
  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const lf = this.buf.indexOf(0x0a);
      if (lf < 0) {
        if (!this.skipping && this.buf.length > this.maxLine) {
          out.push({ kind: 'too-long' });
          this.skipping = true;
        }
        if (this.skipping) this.buf = Buffer.alloc(0);
        return out;
      }
      const end = lf > 0 && this.buf[lf - 1] === 0x0d ? lf - 1 : lf;
      const line = this.buf.subarray(0, end);
      this.buf = this.buf.subarray(lf + 1);
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      // The limit counts the CRLF (RFC 2449 §4).
      if (end + 2 > this.maxLine) out.push({ kind: 'too-long' });
      else out.push({ kind: 'line', line: Buffer.from(line) });
    }
  }
}
