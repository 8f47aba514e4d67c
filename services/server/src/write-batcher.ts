/**
 * Group commit for message creation. Calls that arrive while a transaction is in flight are
 * gathered and stored together in the next transaction: one COMMIT (one fsync) for many
 * messages instead of one each. Every caller is answered only after the transaction holding its
 * messages has committed. If a gathered transaction fails as a whole, each request is retried on
 * its own, so one bad request cannot fail the others.
 */

import { MAX_BATCH_MESSAGES, MAX_IN_FLIGHT } from './limits.js';
import type { CreateMessagesOptions, CreateMessagesResult, NewMessage } from './storage/message-types.js';
import type { Storage } from './storage/storage.js';

interface Pending {
  messages: readonly NewMessage[];
  opts: CreateMessagesOptions;
  resolve(r: CreateMessagesResult): void;
  reject(e: unknown): void;
}

export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;

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
    return new Promise((resolve, reject) => {
      this.queue.push({ messages, opts, resolve, reject });
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
      this.inFlight++;
      this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /** Requests with the same options, up to MAX_BATCH_MESSAGES (a larger single request goes alone). */
  private take(): Pending[] {
    const first = this.queue.shift() as Pending;
    const batch = [first];
    let count = first.messages.length;
    const skip = first.opts.skipQuotaCheck === true;
    for (let i = 0; i < this.queue.length && count < MAX_BATCH_MESSAGES; ) {
      const p = this.queue[i] as Pending;
      if ((p.opts.skipQuotaCheck === true) === skip && count + p.messages.length <= MAX_BATCH_MESSAGES) {
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
