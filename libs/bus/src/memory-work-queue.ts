import { BusError, describeError } from './errors.js';
import type { BusLogger } from './logger.js';
import type { ConsumerSpec, Delivery, DeliveryOutcome, TransportConsumer } from './transport.js';

const DEDUP_WINDOW_MS = 120_000;

interface Entry {
  data: Uint8Array;
  deliveries: number;
  availableAt: number;
  inFlight: boolean;
}

interface Worker {
  onDelivery: (delivery: Delivery) => Promise<DeliveryOutcome>;
  current: Promise<void> | undefined;
}

/**
 * One work subject in memory: a FIFO of items kept until acked, bound to one durable name (as a
 * JetStream work-queue stream allows one consumer per subject), served round-robin to its workers,
 * one item per worker at a time. Items survive workers stopping and starting, not the process.
 */
export class MemoryWorkQueue {
  readonly #subject: string;
  readonly #logger: BusLogger;
  readonly #entries: Entry[] = [];
  readonly #workers: Worker[] = [];
  readonly #dedup = new Map<string, number>();
  #durable: string | undefined;
  #retryDelayMs = 0;
  #next = 0;
  #pumpQueued = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(subject: string, logger: BusLogger) {
    this.#subject = subject;
    this.#logger = logger;
  }

  enqueue(data: Uint8Array, dedupId: string | undefined): void {
    const now = Date.now();
    if (dedupId !== undefined) {
      for (const [id, expires] of this.#dedup) if (expires <= now) this.#dedup.delete(id);
      if (this.#dedup.has(dedupId)) return;
      this.#dedup.set(dedupId, now + DEDUP_WINDOW_MS);
    }
    this.#entries.push({ data, deliveries: 0, availableAt: now, inFlight: false });
    this.#schedule();
  }

  attach(spec: ConsumerSpec, onDelivery: Worker['onDelivery']): TransportConsumer {
    if (this.#durable !== undefined && this.#durable !== spec.durable) {
      throw new BusError(
        'CONFLICT',
        `${this.#subject} is already consumed by durable ${this.#durable}; a work subject has one consumer group`,
        { subject: this.#subject },
      );
    }
    this.#durable = spec.durable;
    this.#retryDelayMs = spec.retryDelayMs;
    const worker: Worker = { onDelivery, current: undefined };
    this.#workers.push(worker);
    this.#schedule();
    return {
      stop: async () => {
        const i = this.#workers.indexOf(worker);
        if (i >= 0) this.#workers.splice(i, 1);
        await worker.current;
      },
    };
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#workers.length = 0;
  }

  #schedule(): void {
    if (this.#pumpQueued || this.#closed) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /** Gives each idle worker (round-robin) the oldest item that is due. */
  #pump(): void {
    if (this.#closed) return;
    const now = Date.now();
    const count = this.#workers.length;
    for (let i = 0; i < count; i++) {
      const worker = this.#workers[this.#next % count];
      this.#next = (this.#next + 1) % count;
      if (!worker || worker.current) continue;
      const entry = this.#entries.find((e) => !e.inFlight && e.availableAt <= now);
      if (!entry) break;
      this.#deliver(worker, entry);
    }
    this.#armTimer(now);
  }

  /** Wakes the pump when the earliest delayed redelivery becomes due. */
  #armTimer(now: number): void {
    clearTimeout(this.#timer);
    const waiting = this.#entries.filter((e) => !e.inFlight && e.availableAt > now);
    if (waiting.length === 0 || this.#workers.length === 0) return;
    const due = Math.min(...waiting.map((e) => e.availableAt));
    this.#timer = setTimeout(() => this.#schedule(), due - now);
  }

  #deliver(worker: Worker, entry: Entry): void {
    entry.inFlight = true;
    entry.deliveries++;
    const delivery = { subject: this.#subject, data: entry.data, deliveryCount: entry.deliveries };
    worker.current = worker
      .onDelivery(delivery)
      .catch((err: unknown): DeliveryOutcome => {
        this.#logger.error({ subject: this.#subject, err: describeError(err) }, 'work delivery failed');
        return 'retry';
      })
      .then((outcome) => {
        entry.inFlight = false;
        if (outcome === 'retry') {
          entry.availableAt = Date.now() + this.#retryDelayMs;
        } else {
          const i = this.#entries.indexOf(entry);
          if (i >= 0) this.#entries.splice(i, 1);
        }
        worker.current = undefined;
        this.#schedule();
      });
  }
}
