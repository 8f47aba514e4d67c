import { Events, headers, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection } from 'nats';
import type { BusStatus } from './bus.js';
import { describeError } from './errors.js';
import type { BusLogger } from './logger.js';
import { toBusError } from './nats-errors.js';
import { ensureWorkConsumer } from './nats-streams.js';
import { settleWithin } from './task-tracking.js';
import type {
  ConsumerSpec,
  Delivery,
  DeliveryOutcome,
  ReplyFrame,
  Transport,
  TransportConsumer,
  TransportSubscription,
} from './transport.js';

/** Reply headers that carry a responder failure (the body is then empty). */
export const ERROR_CODE_HEADER = 'Kgc-Error-Code';
export const ERROR_MESSAGE_HEADER = 'Kgc-Error';

const DRAIN_TIMEOUT_MS = 5_000;
const STOP_CONFIRM_TIMEOUT_MS = 5_000;

/**
 * The server's ack wait exceeds the handler deadline by this much, so the client's own nak after a
 * handler timeout reaches the server before the server redelivers on its own (which would deliver the
 * item twice). The server's timer remains the backstop for a client that died.
 */
const ACK_GRACE_MS = 2_000;

export interface NatsTransportOptions {
  /** Prepended (with a dot) to every subject on the wire; '' for none. */
  subjectPrefix: string;
  streamName: string;
  logger: BusLogger;
}

function headerText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 256);
}

/** Moves bus messages over a NATS connection; work items go through one JetStream work-queue stream. */
export class NatsTransport implements Transport {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #prefix: string;
  readonly #stream: string;
  readonly #logger: BusLogger;
  #status: BusStatus = 'connected';

  constructor(nc: NatsConnection, jsm: JetStreamManager, options: NatsTransportOptions) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = nc.jetstream();
    this.#prefix = options.subjectPrefix === '' ? '' : `${options.subjectPrefix}.`;
    this.#stream = options.streamName;
    this.#logger = options.logger;
    void this.#watchStatus();
    void nc.closed().then((err) => {
      this.#status = 'closed';
      if (err) this.#logger.error({ err: describeError(err) }, 'NATS connection closed with an error');
    });
  }

  async #watchStatus(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (s.type === Events.Disconnect) {
        this.#status = 'reconnecting';
        this.#logger.warn({ server: String(s.data) }, 'NATS disconnected, reconnecting');
      } else if (s.type === Events.Reconnect) {
        this.#status = 'connected';
        this.#logger.info({ server: String(s.data) }, 'NATS reconnected');
      } else if (s.type === Events.Error) {
        this.#logger.error({ err: String(s.data) }, 'NATS async error');
      } else if (s.type === Events.LDM) {
        this.#logger.warn({ server: String(s.data) }, 'NATS server entering lame duck mode');
      }
    }
  }

  #wire(subject: string): string {
    return this.#prefix + subject;
  }

  #unwire(subject: string): string {
    return subject.startsWith(this.#prefix) ? subject.slice(this.#prefix.length) : subject;
  }

  publish(subject: string, data: Uint8Array): void {
    try {
      this.#nc.publish(this.#wire(subject), data);
    } catch (err) {
      throw toBusError(err, 'publish', subject);
    }
  }

  subscribe(
    pattern: string,
    queue: string | undefined,
    onMessage: (subject: string, data: Uint8Array) => void,
  ): TransportSubscription {
    return this.#subscribeRaw(pattern, queue, (subject, data) => onMessage(subject, data));
  }

  async request(subject: string, data: Uint8Array, timeoutMs: number): Promise<ReplyFrame> {
    try {
      const msg = await this.#nc.request(this.#wire(subject), data, { timeout: timeoutMs });
      const code = msg.headers?.get(ERROR_CODE_HEADER);
      if (!code) return { ok: true, data: msg.data };
      const message = msg.headers?.get(ERROR_MESSAGE_HEADER) ?? '';
      return { ok: false, code: code === 'INVALID_PAYLOAD' ? 'INVALID_PAYLOAD' : 'REMOTE_ERROR', message };
    } catch (err) {
      throw toBusError(err, `request ${subject}`, subject);
    }
  }

  respond(
    subject: string,
    queue: string | undefined,
    onRequest: (subject: string, data: Uint8Array) => Promise<ReplyFrame>,
  ): TransportSubscription {
    return this.#subscribeRaw(subject, queue, (msgSubject, data, reply) => {
      if (!reply) {
        this.#logger.warn({ subject }, 'dropped request without reply subject');
        return;
      }
      void onRequest(msgSubject, data).then((frame) => {
        try {
          if (frame.ok) {
            this.#nc.publish(reply, frame.data);
          } else {
            const h = headers();
            h.set(ERROR_CODE_HEADER, frame.code);
            h.set(ERROR_MESSAGE_HEADER, headerText(frame.message));
            this.#nc.publish(reply, new Uint8Array(0), { headers: h });
          }
        } catch (err) {
          this.#logger.warn({ subject, err: describeError(err) }, 'could not send reply');
        }
      });
    });
  }

  #subscribeRaw(
    subject: string,
    queue: string | undefined,
    onMessage: (subject: string, data: Uint8Array, reply: string | undefined) => void,
  ): TransportSubscription {
    try {
      const sub = this.#nc.subscribe(this.#wire(subject), {
        ...(queue === undefined ? {} : { queue }),
        callback: (err, msg) => {
          if (err) {
            this.#logger.error({ subject, err: describeError(err) }, 'NATS subscription error');
            return;
          }
          try {
            onMessage(this.#unwire(msg.subject), msg.data, msg.reply || undefined);
          } catch (cbErr) {
            // An exception escaping a nats.js callback would tear the subscription down.
            this.#logger.error({ subject: msg.subject, err: describeError(cbErr) }, 'bus message dispatch failed');
          }
        },
      });
      return { unsubscribe: () => sub.unsubscribe() };
    } catch (err) {
      throw toBusError(err, 'subscribe', subject);
    }
  }

  async enqueue(subject: string, data: Uint8Array, dedupId: string | undefined): Promise<void> {
    try {
      await this.#js.publish(this.#wire(subject), data, {
        ...(dedupId === undefined ? {} : { msgID: dedupId }),
        expect: { streamName: this.#stream },
      });
    } catch (err) {
      throw toBusError(err, `enqueue ${subject}`, subject);
    }
  }

  async consume(
    spec: ConsumerSpec,
    onDelivery: (delivery: Delivery) => Promise<DeliveryOutcome>,
  ): Promise<TransportConsumer> {
    await ensureWorkConsumer(this.#jsm, {
      stream: this.#stream,
      durable: spec.durable,
      filterSubject: this.#wire(spec.subject),
      ackWaitMs: spec.ackWaitMs + ACK_GRACE_MS,
      maxDeliver: spec.maxDeliver,
    });
    const messages = await this.#js.consumers
      .get(this.#stream, spec.durable)
      .then((consumer) => consumer.consume({ max_messages: 1 }))
      .catch((err: unknown) => {
        throw toBusError(err, `consume ${spec.subject}`, spec.subject);
      });
    let stopping = false;
    const loop = (async () => {
      try {
        for await (const msg of messages) {
          // Pulled after stop(): hand it straight back instead of letting it wait out the ack wait.
          if (stopping) this.#settle(msg, 'retry', 0);
          else this.#settle(msg, await this.#deliver(msg, onDelivery), spec.retryDelayMs);
        }
      } catch (err) {
        if (!stopping) this.#logger.error({ subject: spec.subject, err: describeError(err) }, 'work consumer stopped');
      }
    })();
    return {
      stop: async () => {
        stopping = true;
        messages.stop();
        await loop;
        await this.#confirmUnsubscribed(spec.subject);
      },
    };
  }

  /**
   * `messages.stop()` only queues the UNSUB of the pull inbox; the server keeps the consumer's pending
   * pull request (it expires after 30 s) and hands it the next item for as long as it still sees
   * interest in that inbox. An item enqueued over another connection can overtake the UNSUB, go to the
   * dead inbox, and sit unacked for the whole ack wait while the next worker waits. A round trip makes
   * sure the server dropped the interest (and with it the pull), and that our last ack/nak arrived.
   */
  async #confirmUnsubscribed(subject: string): Promise<void> {
    if (this.#nc.isClosed()) return;
    const confirmed = await settleWithin(
      this.#nc.flush().catch((err: unknown) => {
        this.#logger.warn({ subject, err: describeError(err) }, 'could not confirm work consumer stop');
      }),
      STOP_CONFIRM_TIMEOUT_MS,
    );
    // Usually a disconnect: the server dropped the old connection's interest with it, and a reconnect
    // does not renew an unsubscribed inbox. At worst one item waits out the ack wait.
    if (!confirmed) this.#logger.warn({ subject }, 'work consumer stop not confirmed by the server in time');
  }

  #deliver(msg: JsMsg, onDelivery: (delivery: Delivery) => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
    // The item may have waited in the client's buffer: restart the server's ack timer now that work starts.
    msg.working();
    const delivery = { subject: this.#unwire(msg.subject), data: msg.data, deliveryCount: msg.info.deliveryCount };
    return onDelivery(delivery).catch((err: unknown): DeliveryOutcome => {
      this.#logger.error({ subject: delivery.subject, err: describeError(err) }, 'work delivery failed');
      return 'retry';
    });
  }

  #settle(msg: JsMsg, outcome: DeliveryOutcome, retryDelayMs: number): void {
    try {
      if (outcome === 'ack') msg.ack();
      else if (outcome === 'term') msg.term();
      else msg.nak(retryDelayMs);
    } catch (err) {
      // The server redelivers after the ack wait anyway.
      this.#logger.warn({ subject: msg.subject, outcome, err: describeError(err) }, 'could not settle work item');
    }
  }

  async flush(): Promise<void> {
    try {
      await this.#nc.flush();
    } catch (err) {
      throw toBusError(err, 'flush');
    }
  }

  /** Drains (sends pending acks and publishes) and closes; hard-closes if draining takes too long. */
  async close(): Promise<void> {
    if (this.#nc.isClosed()) return;
    const drained = await settleWithin(
      this.#nc.drain().catch(() => this.#nc.close()),
      DRAIN_TIMEOUT_MS,
    );
    if (!drained) await this.#nc.close();
    this.#status = 'closed';
  }

  status(): BusStatus {
    return this.#status;
  }
}
