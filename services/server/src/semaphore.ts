/**
 * Bounds shared by all requests of the process (searchBodies): a Semaphore lets at most `size`
 * holders run at once, a ByteBudget lets them hold at most so many bytes; the others wait in
 * arrival order.
 */

/** At most `size` holders at once; the others wait in arrival order (a budget of `size` places). */
export class Semaphore {
  private readonly places: ByteBudget;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('semaphore size must be a positive integer');
    this.places = new ByteBudget(size);
  }

  /** Runs `fn` once a place is free, and frees it when `fn` settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const free = await this.places.take(1);
    try {
      return await fn();
    } finally {
      free();
    }
  }

  /** Holders now, and callers waiting. */
  get state(): { held: number; waiting: number } {
    const { used, waiting } = this.places.state;
    return { held: used, waiting };
  }
}

/**
 * A budget of bytes shared by the requests of the process: `take(n)` waits until n more fit, in
 * arrival order, and resolves with the function that gives them back. A need larger than the whole
 * budget waits until nothing is taken, then takes it all.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: Array<{ n: number; resolve: () => void }> = [];

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('byte budget must be a positive integer');
  }

  async take(bytes: number): Promise<() => void> {
    const n = Math.min(Math.max(0, Math.ceil(bytes)), this.max);
    if (this.waiting.length === 0 && this.used + n <= this.max) this.used += n;
    else await new Promise<void>((resolve) => this.waiting.push({ n, resolve }));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.used -= n;
      this.wake();
    };
  }

  private wake(): void {
    for (let head = this.waiting[0]; head && this.used + head.n <= this.max; head = this.waiting[0]) {
      this.waiting.shift();
      this.used += head.n;
      head.resolve();
    }
  }

  /** Bytes taken now, and takers waiting. */
  get state(): { used: number; waiting: number } {
    return { used: this.used, waiting: this.waiting.length };
  }
}
