/**
 * Group commit for message creation. Calls that arrive while a transaction is in flight are
 * gathered and stored together in the next transaction: one COMMIT (one fsync) for many
 * messages instead of one each. Every caller is answered only after the transaction holding its
 * messages has committed. If a gathered transaction fails as a whole, each request is retried on
 * its own, so one bad request cannot fail the others.
 *
 * Transactions on the same store wait for each other anyway (the store row is locked), so a
 * second one in flight only helps when it touches other stores: up to MAX_IN_FLIGHT run side by
 * side as long as their stores (known from the folder→store hint) are disjoint from those in
 * flight; a request whose stores are not known yet waits until nothing is in flight.
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
  private inFlight = 0;
  /** Stores of the transactions in flight (with a count: a store may be in only one, but be safe). */
  private readonly busy = new Map<number, number>();
  /** Transactions in flight with a request whose stores were not known: nothing may join them. */
  private unknown = 0;

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
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.take();
      if (!batch) return;
      const stores = batch.flatMap((p) => p.stores ?? []);
      const blind = batch.some((p) => p.stores === null);
      for (const s of stores) this.busy.set(s, (this.busy.get(s) ?? 0) + 1);
      if (blind) this.unknown++;
      this.inFlight++;
      this.run(batch).finally(() => {
        if (blind) this.unknown--;
        for (const s of stores) {
          const n = (this.busy.get(s) ?? 1) - 1;
          if (n > 0) this.busy.set(s, n);
          else this.busy.delete(s);
        }
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /** May `p` start now: nothing in flight, or its stores known and none of them in flight. */
  private free(p: Pending): boolean {
    if (this.inFlight === 0) return true;
    return this.unknown === 0 && p.stores !== null && p.stores.every((s) => !this.busy.has(s));
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
    const open = this.inFlight === 0;
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

  private async run(batch: Pending[]): Promise<void> {
    this.onBatch(batch.reduce((n, p) => n + p.messages.length, 0));
    if (batch.length === 1) {
      const p = batch[0] as Pending;
      await this.storage.messages.createMessages(p.messages, p.opts).then(p.resolve, p.reject);
      return;
    }
    let result: CreateMessagesResult;
    try {
      result = await this.storage.messages.createMessages(
        batch.flatMap((p) => p.messages),
        batch[0]?.opts ?? {},
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
