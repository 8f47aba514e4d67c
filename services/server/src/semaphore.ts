/**
 * At most `size` holders at once; the others wait in arrival order. For work whose memory or CPU
 * must stay bounded across all requests of the process (searchBodies).
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('semaphore size must be a positive integer');
  }

  /** Runs `fn` once a place is free, and frees it when `fn` settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The place goes straight to the next in line (held stays the same), or is freed.
      if (next) next();
      else this.held--;
    }
  }

  /** Holders now, and callers waiting. */
  get state(): { held: number; waiting: number } {
    return { held: this.held, waiting: this.waiting.length };
  }
}
