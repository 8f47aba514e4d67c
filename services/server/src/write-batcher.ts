/**
 * Group commit for message creation. Calls that arrive while a transaction is in flight are
 * gathered and stored together in the next transaction: one COMMIT (one fsync) for many
 * messages instead of one each. Every caller is answered only after the transaction holding its
 * messages has committed. If a gathered transaction fails as a whole, each request is retried on
 * its own, so one bad request cannot fail the others.
 *
 * Transactions on the same store wait for each other anyway (the store row is locked), so a
 * second one in flight helps when it touches other stores, or when the one on its stores has sent
 * its COMMIT (it then queues for their locks in the database instead of after the reply): up to
 * MAX_IN_FLIGHT run side by side on those terms, stores known from the folder→store hint; a
 * request whose stores are not known yet waits until nothing is in flight.
 */

import { MAX_BATCH_MESSAGES, MAX_IN_FLIGHT } from './limits.js';
import type { CreateMessagesOptions, CreateMessagesResult, NewMessage } from './storage/message-types.js';
import type { Storage } from './storage/storage.js';

interface Pending {
  messages: readonly NewMessage[];
  opts: CreateMessagesOptions;
  /** Stores the messages go to; null when one of the folders' stores is not known yet. */
  stores: number[] | null;
  resolve(r: CreateMessagesResult): void;
  reject(e: unknown): void;
}

export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Transactions in flight: their stores (null: not all known), and whether COMMIT is on its way. */
  private readonly flights = new Set<{ stores: Set<number> | null; committing: boolean }>();

  /** `onBatch`: messages per gathered transaction (a metric of how well group commit works). */
  constructor(
    private readonly storage: Storage,
    private readonly onBatch: (messages: number) => void = () => {},
  ) {}

  async createMessages(
    messages: readonly NewMessage[],
    opts: CreateMessagesOptions = {},
  ): Promise<CreateMessagesResult> {
    const bytes = messages.flatMap((m) =>
      m.mime ? [Buffer.from(m.mime.buffer, m.mime.byteOffset, m.mime.byteLength)] : [],
    );
    await this.storage.blobs.prewrite(bytes);
    const stores = new Set<number>();
    let known = true;
    for (const m of messages) {
      const s = this.storage.storeOfFolder(m.folderId);
      if (s === undefined) known = false;
      else stores.add(s);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ messages, opts, stores: known ? [...stores] : null, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts the next transaction after the I/O callbacks of this event-loop turn: requests whose
   * bytes have already arrived reach the queue first and join the same transaction, at no cost in
   * latency (the loop was busy with them anyway).
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.flights.size < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.take();
      if (!batch) return;
      const flight = {
        stores: batch.some((p) => p.stores === null) ? null : new Set(batch.flatMap((p) => p.stores ?? [])),
        committing: false,
      };
      this.flights.add(flight);
      const onLastTrip = () => {
        flight.committing = true;
        this.schedule();
      };
      this.run(batch, onLastTrip).finally(() => {
        this.flights.delete(flight);
        this.schedule();
      });
    }
  }

  /**
   * May `p` start now: nothing in flight, or its stores known and each in flight only in a
   * transaction whose COMMIT is on its way (p then queues for their locks in the database, which
   * saves the time from that COMMIT's reply to p's first trip).
   */
  private free(p: Pending): boolean {
    if (this.flights.size === 0) return true;
    if (p.stores === null) return false;
    for (const f of this.flights) {
      if (f.committing) continue;
      if (f.stores === null || p.stores.some((s) => f.stores?.has(s))) return false;
    }
    return true;
  }

  /**
   * Requests with the same options that may start now, up to MAX_BATCH_MESSAGES (a larger single
   * request goes alone), oldest first; undefined when none may.
   */
  private take(): Pending[] | undefined {
    const start = this.queue.findIndex((p) => this.free(p));
    if (start < 0) return undefined;
    const first = this.queue.splice(start, 1)[0] as Pending;
    const batch = [first];
    let count = first.messages.length;
    const skip = first.opts.skipQuotaCheck === true;
    const open = this.flights.size === 0;
    for (let i = start; i < this.queue.length && count < MAX_BATCH_MESSAGES; ) {
      const p = this.queue[i] as Pending;
      if (
        (p.opts.skipQuotaCheck === true) === skip &&
        count + p.messages.length <= MAX_BATCH_MESSAGES &&
        (open || this.free(p))
      ) {
        batch.push(p);
        count += p.messages.length;
        this.queue.splice(i, 1);
      } else i++;
    }
    return batch;
  }

  private async run(batch: Pending[], onLastTrip: () => void): Promise<void> {
    this.onBatch(batch.reduce((n, p) => n + p.messages.length, 0));
    if (batch.length === 1) {
      const p = batch[0] as Pending;
      await this.storage.messages.createMessages(p.messages, { ...p.opts, onLastTrip }).then(p.resolve, p.reject);
      return;
    }
    let result: CreateMessagesResult;
    try {
      result = await this.storage.messages.createMessages(
        batch.flatMap((p) => p.messages),
        { ...(batch[0]?.opts ?? {}), onLastTrip },
      );
    } catch {
      await Promise.all(
        batch.map((p) => this.storage.messages.createMessages(p.messages, p.opts).then(p.resolve, p.reject)),
      );
      return;
    }
    let offset = 0;
    for (const p of batch) {
      const results = result.results.slice(offset, offset + p.messages.length);
      offset += p.messages.length;
      const stores = new Set(results.flatMap((r) => (r.ok ? [r.storeId] : [])));
      p.resolve({ results, changes: result.changes.filter((c) => stores.has(c.storeId)) });
    }
  }
}
