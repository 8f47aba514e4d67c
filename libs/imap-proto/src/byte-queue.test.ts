/** ByteQueue against a plain reference buffer, and the coalescing of small chunks. */
import { describe, expect, it } from 'vitest';
import { ByteQueue } from './byte-queue.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s;
  };
}

describe('ByteQueue', () => {
  it('behaves like one contiguous buffer under random pushes, takes, skips and searches', () => {
    const rand = rng(42);
    const q = new ByteQueue();
    let ref = Buffer.alloc(0);
    const handedOut: [Buffer, Buffer][] = [];
    for (let step = 0; step < 5000; step++) {
      const op = rand() % 6;
      if (op <= 1) {
        const size = rand() % 3 === 0 ? 4096 + (rand() % 9000) : rand() % 40;
        const chunk = Buffer.from(Array.from({ length: size }, () => rand() % 16));
        q.push(chunk);
        ref = Buffer.concat([ref, chunk]);
      } else if (op === 2 && ref.length > 0) {
        const n = rand() % (ref.length + 1);
        const got = q.take(n);
        expect(got.equals(ref.subarray(0, n))).toBe(true);
        handedOut.push([got, Buffer.from(got)]);
        ref = ref.subarray(n);
      } else if (op === 3 && ref.length > 0) {
        const n = rand() % (ref.length + 1);
        q.skip(n);
        ref = ref.subarray(n);
      } else if (op === 4) {
        const from = rand() % (ref.length + 1);
        expect(q.indexOf(7, from)).toBe(ref.indexOf(7, from) === -1 ? -1 : ref.indexOf(7, from));
      } else if (ref.length > 0) {
        const n = rand() % (ref.length + 1);
        const target = Buffer.alloc(n + 3, 0xee);
        q.takeInto(target, 3, n);
        expect(target.subarray(3).equals(ref.subarray(0, n))).toBe(true);
        ref = ref.subarray(n);
      }
      expect(q.length).toBe(ref.length);
      expect(q.peek(50).equals(ref.subarray(0, 50))).toBe(true);
    }
    // views handed out earlier were never overwritten by later pushes into shared blocks
    for (const [view, copy] of handedOut) expect(view.equals(copy)).toBe(true);
  });

  it('coalesces a trickle of one-octet chunks into few blocks', () => {
    const q = new ByteQueue();
    for (let i = 0; i < 64 * 1024; i++) q.push(Buffer.from([0x61]));
    expect(q.length).toBe(64 * 1024);
    expect(q.chunkCount).toBeLessThanOrEqual(4);
    expect(q.indexOf(0x0a)).toBe(-1);
  });

  it('keeps large chunks as they are', () => {
    const q = new ByteQueue();
    const big = Buffer.alloc(10_000, 1);
    q.push(big);
    q.push(Buffer.from([2]));
    q.push(Buffer.alloc(5000, 3));
    expect(q.chunkCount).toBe(3);
    expect(q.take(10_000).buffer).toBe(big.buffer);
  });
});
