/**
 * A FIFO of received chunks for the framer: searching for a byte and taking a prefix without concatenating
 * everything received so far. Small chunks (a client trickling one octet per packet) are copied into shared
 * blocks, so the number of chunks, and with it the cost of every search, stays proportional to the bytes held
 * divided by the block size rather than to the number of packets.
 */

/** Chunks shorter than this are copied into a block. */
const COALESCE_BELOW = 4096;
/** Size of a block. */
const BLOCK_SIZE = 16 * 1024;

export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Offset of the first unread byte in chunks[0]. */
  private head = 0;
  private total = 0;
  /** The block small chunks are copied into; regions already handed out are never written again. */
  private block: Buffer | null = null;
  private blockUsed = 0;
  /** True while the last chunk is a view of `block` starting at `viewStart` that may still grow. */
  private blockOpen = false;
  private viewStart = 0;

  get length(): number {
    return this.total;
  }

  /** Chunks held (for tests of the coalescing). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    if (n === 0) return;
    this.total += n;
    if (n >= COALESCE_BELOW) {
      this.chunks.push(chunk);
      this.blockOpen = false;
      return;
    }
    if (this.block === null || this.blockUsed + n > this.block.length) {
      this.block = Buffer.allocUnsafe(BLOCK_SIZE);
      this.blockUsed = 0;
      this.blockOpen = false;
    }
    chunk.copy(this.block, this.blockUsed);
    if (this.blockOpen) {
      this.chunks[this.chunks.length - 1] = this.block.subarray(this.viewStart, this.blockUsed + n);
    } else {
      this.viewStart = this.blockUsed;
      this.chunks.push(this.block.subarray(this.blockUsed, this.blockUsed + n));
      this.blockOpen = true;
    }
    this.blockUsed += n;
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
    const out = Buffer.allocUnsafe(n);
    this.takeInto(out, 0, n);
    return out;
  }

  /** Removes the first `n` bytes (n <= length), copying them into `target` at `offset`. */
  takeInto(target: Buffer, offset: number, n: number): void {
    let at = offset;
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0] as Buffer;
      const k = Math.min(chunk.length - this.head, left);
      chunk.copy(target, at, this.head, this.head + k);
      this.skip(k);
      at += k;
      left -= k;
    }
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
      if (this.chunks.length === 0) this.blockOpen = false;
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
