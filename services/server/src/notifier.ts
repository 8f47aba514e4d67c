/**
 * Change notices. After a commit the server announces `kgc.store.<id>.changed` on the bus; the
 * same bus wakes the long polls (notifyGetItems) parked on this replica, whichever replica made
 * the change. The journal in SQL stays the truth: a waiter always re-reads it.
 */
import { type Bus, type Subscription, subjects } from '@kgc/bus';

interface Waiter {
  onModseq(modseq: number): void;
  cancel(): void;
}

export class ChangeNotifier {
  private readonly waiters = new Map<number, Set<Waiter>>();
  private subscription: Subscription | undefined;

  constructor(private readonly bus: Bus) {}

  start(): void {
    this.subscription = this.bus.subscribe(subjects.allStoreChanges, (notice) =>
      this.wake(notice.storeId, notice.modseq),
    );
  }

  /** Announce a committed change (call only after COMMIT). */
  announce(storeId: number, modseq: number, folderIds?: number[]): void {
    this.bus.publish(subjects.storeChanged(storeId), { storeId, modseq, ...(folderIds?.length ? { folderIds } : {}) });
  }

  /**
   * Resolves with a modseq above `since` as soon as a notice says the store got one, or with
   * null after `timeoutMs`. Register before reading the journal, so nothing slips in between.
   */
  waitForChange(
    storeId: number,
    since: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): { promise: Promise<number | null>; cancel(): void } {
    let set = this.waiters.get(storeId);
    if (!set) {
      set = new Set();
      this.waiters.set(storeId, set);
    }
    const bucket = set;
    let done: (v: number | null) => void = () => {};
    const promise = new Promise<number | null>((resolve) => {
      done = resolve;
    });
    const finish = (v: number | null) => {
      clearTimeout(timer);
      bucket.delete(waiter);
      if (bucket.size === 0) this.waiters.delete(storeId);
      signal?.removeEventListener('abort', onAbort);
      done(v);
    };
    const waiter: Waiter = {
      onModseq: (modseq) => {
        if (modseq > since) finish(modseq);
      },
      cancel: () => finish(null),
    };
    const onAbort = () => finish(null);
    const timer = setTimeout(() => finish(null), timeoutMs);
    bucket.add(waiter);
    signal?.addEventListener('abort', onAbort);
    return { promise, cancel: () => finish(null) };
  }

  private wake(storeId: number, modseq: number): void {
    const set = this.waiters.get(storeId);
    if (!set) return;
    for (const w of [...set]) w.onModseq(modseq);
  }

  async stop(): Promise<void> {
    await this.subscription?.unsubscribe();
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.cancel();
    this.waiters.clear();
  }
}
