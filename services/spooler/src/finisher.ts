/**
 * Group commit of finished entries: while one finishedMessages call is in flight, the entries
 * finishing meanwhile wait and go together in the next call (one server transaction for many
 * moves to Sent Items). An idle spooler finishes each entry at once: no added latency, and the
 * duplicate window (relay 250 → commit) is never longer than one call in flight plus one's own.
 */
import type { ServerLink } from '@kgc/soap';

interface Waiting {
  queueId: number;
  resolve(finished: boolean): void;
  reject(err: unknown): void;
}

/** Most entries per call (the server takes up to 1000). */
const MAX_BATCH = 200;

export class Finisher {
  private readonly waiting = new Map<boolean, Waiting[]>([
    [true, []],
    [false, []],
  ]);
  private busy = false;

  constructor(
    private readonly link: ServerLink,
    private readonly owner: string,
  ) {}

  /** Resolves true when the entry left the queue, false when this spooler no longer held its lease. */
  finish(queueId: number, doSentMail: boolean): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.get(doSentMail)?.push({ queueId, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.busy) return;
    for (const doSentMail of [true, false]) {
      const list = this.waiting.get(doSentMail) ?? [];
      if (list.length === 0) continue;
      const batch = list.splice(0, MAX_BATCH);
      this.busy = true;
      try {
        const { queueIds } = await this.link.call('finishedMessages', {
          owner: this.owner,
          queueIds: batch.map((w) => w.queueId),
          doSentMail,
        });
        const done = new Set(queueIds);
        for (const w of batch) w.resolve(done.has(w.queueId));
      } catch (err) {
        for (const w of batch) w.reject(err);
      } finally {
        this.busy = false;
      }
      void this.flush();
      return;
    }
  }
}
