/** Runs tasks one after another, in push order. Used per subscription so notices are handled in order. */
export class SerialRunner {
  #tail: Promise<void> = Promise.resolve();
  #stopped = false;

  /** `task` must not throw (wrap it); tasks queued after `stop()` are skipped. */
  push(task: () => Promise<void>): void {
    this.#tail = this.#tail.then(() => (this.#stopped ? undefined : task()));
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Resolves when every task pushed so far has finished. */
  idle(): Promise<void> {
    return this.#tail;
  }
}

/** Tracks concurrently running tasks so shutdown can wait for them. */
export class InFlight {
  readonly #running = new Set<Promise<unknown>>();

  track<T>(task: Promise<T>): Promise<T> {
    this.#running.add(task);
    const forget = () => this.#running.delete(task);
    task.then(forget, forget);
    return task;
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }
}

/** Resolves when `task` settles or after `ms`, whichever comes first. Returns whether it settled in time. */
export async function settleWithin(task: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      task.then(
        () => true as const,
        () => true as const,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export type DeadlineResult = { outcome: 'done' } | { outcome: 'failed'; error: unknown } | { outcome: 'timeout' };

/**
 * Runs `fn` with an abort signal that fires after `deadlineMs`; settles at the first of completion,
 * failure or deadline. A late result of a timed-out call is ignored.
 */
export async function runWithDeadline(
  fn: (signal: AbortSignal) => unknown,
  deadlineMs: number,
  reason: () => Error,
): Promise<DeadlineResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DeadlineResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(reason());
      resolve({ outcome: 'timeout' });
    }, deadlineMs);
  });
  const run = Promise.resolve()
    .then(() => fn(controller.signal))
    .then(
      (): DeadlineResult => ({ outcome: 'done' }),
      (error: unknown): DeadlineResult => ({ outcome: 'failed', error }),
    );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
