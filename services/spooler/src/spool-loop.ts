/**
 * The queue loop (KGC Spooler.cpp): claim up to max_threads due entries with a lease, send them
 * side by side, claim again as slots free up; sleep until a bus notice (kgc.mail.submitted), a
 * deferred entry falls due, or the periodic rescan. Leases of entries in flight are renewed, so
 * only a spooler that stopped (crash, SIGKILL, network split) loses them to another.
 */
import type { Logger } from '@kgc/log';
import type { ServerLink } from '@kgc/soap';
import { CLAIM_RETRY_MS, RENEWALS_PER_LEASE, STOP_TIMEOUT_MS } from './limits.js';
import type { SpoolerMetrics } from './metrics.js';
import type { Handled, QueueEntry } from './process-message.js';

export interface SpoolLoopOptions {
  link: ServerLink;
  owner: string;
  maxThreads: number;
  leaseMs: number;
  rescanMs: number;
  /** Short delay after an unexpected failure of one entry (server trouble). */
  errorRetryMs: number;
  process(entry: QueueEntry): Promise<Handled>;
  metrics: SpoolerMetrics;
  log: Logger;
}

export class SpoolLoop {
  private readonly inFlight = new Map<number, Promise<void>>();
  private stopped = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private dueTimer: NodeJS.Timeout | undefined;
  private dueAt = Number.POSITIVE_INFINITY;
  /** The last claim filled every free slot: more may be due, so a freed slot claims again. */
  private backlog = false;

  constructor(private readonly o: SpoolLoopOptions) {}

  get busy(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.running) return;
    this.running = this.run();
    const every = Math.max(250, Math.floor(this.o.leaseMs / RENEWALS_PER_LEASE));
    this.renewTimer = setInterval(() => void this.renew(), every);
    this.renewTimer.unref();
  }

  /** A bus notice or a freed slot: look at the queue now. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops claiming, waits for the sends in flight (bounded), stops renewing. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    const all = Promise.allSettled([...this.inFlight.values()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    clearInterval(this.renewTimer);
    clearTimeout(this.dueTimer);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      const free = this.o.maxThreads - this.inFlight.size;
      if (free <= 0) {
        await this.sleep(this.o.rescanMs);
        continue;
      }
      let entries: QueueEntry[];
      try {
        entries = (
          await this.o.link.call('claimOutgoing', {
            owner: this.o.owner,
            max: free,
            leaseSeconds: Math.ceil(this.o.leaseMs / 1000),
          })
        ).entries;
      } catch (err) {
        this.o.log.warn({ err: describe(err) }, 'cannot claim from the queue; retrying');
        await this.sleep(CLAIM_RETRY_MS);
        continue;
      }
      this.backlog = entries.length === free;
      if (entries.length > 0)
        this.o.log.debug({ queueIds: entries.map((e) => e.queueId), backlog: this.backlog }, 'claimed');
      for (const e of entries) this.launch(e);
      if (this.woken) continue;
      await this.sleep(this.o.rescanMs);
    }
  }

  private launch(entry: QueueEntry): void {
    const done = this.handle(entry).finally(() => {
      this.inFlight.delete(entry.queueId);
      // Claim again once half the slots are free: one claim per batch, not one per message.
      if (this.backlog && this.o.maxThreads - this.inFlight.size >= Math.ceil(this.o.maxThreads / 2)) this.wake();
    });
    this.inFlight.set(entry.queueId, done);
  }

  private async handle(entry: QueueEntry): Promise<void> {
    try {
      const r = await this.o.process(entry);
      if (r.retryInMs !== undefined) this.wakeAfter(r.retryInMs);
    } catch (err) {
      this.o.log.warn({ err: describe(err), queueId: entry.queueId }, 'sending failed unexpectedly; retrying later');
      try {
        await this.o.link.call('deferMessage', {
          queueId: entry.queueId,
          owner: this.o.owner,
          delaySeconds: Math.ceil(this.o.errorRetryMs / 1000),
        });
        this.o.metrics.message('deferred');
        this.wakeAfter(this.o.errorRetryMs);
      } catch (e) {
        // The lease runs out and the entry comes back by itself.
        this.o.log.warn({ err: describe(e), queueId: entry.queueId }, 'cannot defer; the lease will expire');
      }
    }
  }

  /** A deferred entry falls due: wake then (only the earliest is remembered; the rescan covers the rest). */
  private wakeAfter(ms: number): void {
    const at = Date.now() + ms;
    if (at >= this.dueAt && this.dueTimer) return;
    clearTimeout(this.dueTimer);
    this.dueAt = at;
    this.dueTimer = setTimeout(() => {
      this.dueAt = Number.POSITIVE_INFINITY;
      this.dueTimer = undefined;
      this.wake();
    }, ms + 20);
    this.dueTimer.unref();
  }

  private async renew(): Promise<void> {
    const ids = [...this.inFlight.keys()];
    if (ids.length === 0) return;
    try {
      const { queueIds } = await this.o.link.call('renewOutgoing', {
        owner: this.o.owner,
        queueIds: ids,
        leaseSeconds: Math.ceil(this.o.leaseMs / 1000),
      });
      const kept = new Set(queueIds);
      const lost = ids.filter((id) => !kept.has(id) && this.inFlight.has(id));
      if (lost.length > 0) this.o.log.warn({ queueIds: lost }, 'leases lost while sending');
    } catch (err) {
      this.o.log.warn({ err: describe(err) }, 'cannot renew leases');
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
