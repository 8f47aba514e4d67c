/**
 * A FIFO of received chunks for the framer: searching for a byte and taking a prefix without concatenating
 * everything received so far (a large literal arrives in many chunks and is copied once).
 */

export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Offset of the first unread byte in chunks[0]. */
  private head = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Position (from the first unread byte) of the first `byte` at or after `from`, or -1. */
  indexOf(byte: number, from = 0): number {
    let base = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i] as Buffer;
      const start = i === 0 ? this.head : 0;
      const size = chunk.length - start;
      if (from < base + size) {
        const at = chunk.indexOf(byte, start + Math.max(0, from - base));
        if (at !== -1) return base + at - start;
      }
      base += size;
    }
    return -1;
  }

  /** Removes and returns the first `n` bytes (n <= length); a view when they lie in one chunk. */
  take(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.skip(n);
      return out;
    }
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0] as Buffer;
      const avail = chunk.length - this.head;
      const k = Math.min(avail, left);
      parts.push(chunk.subarray(this.head, this.head + k));
      this.skip(k);
      left -= k;
    }
    return Buffer.concat(parts, n);
  }

  /** Drops the first `n` bytes (n <= length). */
  skip(n: number): void {
    let left = n;
    this.total -= n;
    while (left > 0) {
      const chunk = this.chunks[0] as Buffer;
      const avail = chunk.length - this.head;
      if (left < avail) {
        this.head += left;
        return;
      }
      left -= avail;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** A copy of the first `n` bytes (or fewer when fewer are queued), without removing them. */
  peek(n: number): Buffer {
    const parts: Buffer[] = [];
    let left = Math.min(n, this.total);
    for (let i = 0; i < this.chunks.length && left > 0; i++) {
      const chunk = this.chunks[i] as Buffer;
      const start = i === 0 ? this.head : 0;
      const k = Math.min(chunk.length - start, left);
      parts.push(chunk.subarray(start, start + k));
      left -= k;
    }
    return Buffer.concat(parts);
  }
}
