import type { BusStatus } from './bus.js';
import { BusError } from './errors.js';
import type { BusLogger } from './logger.js';
import { MemoryWorkQueue } from './memory-work-queue.js';
import { splitSubject, subjectMatches } from './subject-syntax.js';
import type {
  ConsumerSpec,
  Delivery,
  DeliveryOutcome,
  ReplyFrame,
  Transport,
  TransportConsumer,
  TransportSubscription,
} from './transport.js';

interface Member<H> {
  pattern: string;
  tokens: string[];
  queue: string | undefined;
  handler: H;
}

type Receive = (subject: string, data: Uint8Array) => void;
type Answer = (subject: string, data: Uint8Array) => Promise<ReplyFrame>;

/**
 * Routes messages inside one process with NATS semantics: `*`/`>` wildcards, queue groups (one member
 * per group, round-robin), request/reply with no-responders and timeout, work queues with ack.
 * Deliveries are queued as microtasks, never run inside the publishing call.
 */
export class MemoryTransport implements Transport {
  readonly #logger: BusLogger;
  readonly #subscribers = new Set<Member<Receive>>();
  readonly #responders = new Set<Member<Answer>>();
  readonly #groupCursor = new Map<string, number>();
  readonly #workQueues = new Map<string, MemoryWorkQueue>();
  readonly #pendingRequests = new Set<(err: BusError) => void>();
  #closed = false;

  constructor(logger: BusLogger) {
    this.#logger = logger;
  }

  /** The members that get a message on `subject`: every plain member plus one per queue group. */
  #route<H>(members: Iterable<Member<H>>, subject: string): Member<H>[] {
    const tokens = splitSubject(subject);
    const plain: Member<H>[] = [];
    const groups = new Map<string, Member<H>[]>();
    for (const m of members) {
      if (!subjectMatches(m.tokens, tokens)) continue;
      if (m.queue === undefined) {
        plain.push(m);
      } else {
        const key = `${m.pattern}\u0000${m.queue}`;
        groups.set(key, [...(groups.get(key) ?? []), m]);
      }
    }
    for (const [key, group] of groups) {
      const cursor = this.#groupCursor.get(key) ?? 0;
      this.#groupCursor.set(key, cursor + 1);
      const chosen = group[cursor % group.length];
      if (chosen) plain.push(chosen);
    }
    return plain;
  }

  #join<H>(set: Set<Member<H>>, member: Member<H>): TransportSubscription {
    this.#assertOpen(member.pattern);
    set.add(member);
    return { unsubscribe: () => set.delete(member) };
  }

  #assertOpen(subject: string): void {
    if (this.#closed) throw new BusError('CLOSED', 'bus is closed', { subject });
  }

  publish(subject: string, data: Uint8Array): void {
    this.#assertOpen(subject);
    for (const m of this.#route(this.#subscribers, subject)) {
      queueMicrotask(() => {
        if (this.#subscribers.has(m)) m.handler(subject, data);
      });
    }
  }

  subscribe(pattern: string, queue: string | undefined, onMessage: Receive): TransportSubscription {
    return this.#join(this.#subscribers, { pattern, tokens: splitSubject(pattern), queue, handler: onMessage });
  }

  respond(subject: string, queue: string | undefined, onRequest: Answer): TransportSubscription {
    return this.#join(this.#responders, { pattern: subject, tokens: splitSubject(subject), queue, handler: onRequest });
  }

  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<ReplyFrame> {
    this.#assertOpen(subject);
    const targets = this.#route(this.#responders, subject);
    if (targets.length === 0) {
      return Promise.reject(new BusError('NO_RESPONDERS', `no responders on ${subject}`, { subject }));
    }
    return new Promise<ReplyFrame>((resolve, reject) => {
      const fail = (err: BusError) => finish(() => reject(err));
      const timer = setTimeout(
        () => fail(new BusError('TIMEOUT', `no reply on ${subject} within ${timeoutMs} ms`, { subject })),
        timeoutMs,
      );
      let done = false;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#pendingRequests.delete(fail);
        settle();
      };
      this.#pendingRequests.add(fail);
      for (const target of targets) {
        queueMicrotask(() => {
          if (!this.#responders.has(target)) return;
          target.handler(subject, data).then(
            (frame) => finish(() => resolve(frame)),
            (err: unknown) => this.#logger.error({ subject, err: String(err) }, 'in-memory responder crashed'),
          );
        });
      }
    });
  }

  #queue(subject: string): MemoryWorkQueue {
    let q = this.#workQueues.get(subject);
    if (!q) {
      q = new MemoryWorkQueue(subject, this.#logger);
      this.#workQueues.set(subject, q);
    }
    return q;
  }

  async enqueue(subject: string, data: Uint8Array, dedupId: string | undefined): Promise<void> {
    this.#assertOpen(subject);
    this.#queue(subject).enqueue(data, dedupId);
  }

  async consume(
    spec: ConsumerSpec,
    onDelivery: (delivery: Delivery) => Promise<DeliveryOutcome>,
  ): Promise<TransportConsumer> {
    this.#assertOpen(spec.subject);
    return this.#queue(spec.subject).attach(spec, onDelivery);
  }

  async flush(): Promise<void> {
    this.#assertOpen('flush');
    // Microtask deliveries queued before this call have started once a macrotask turn has passed.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscribers.clear();
    this.#responders.clear();
    for (const q of this.#workQueues.values()) q.close();
    for (const fail of [...this.#pendingRequests]) fail(new BusError('CLOSED', 'bus closed while waiting for a reply'));
  }

  status(): BusStatus {
    return this.#closed ? 'closed' : 'connected';
  }
}
