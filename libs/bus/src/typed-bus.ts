import type {
  Bus,
  BusStatus,
  ConsumeOptions,
  MessageContext,
  RequestOptions,
  Subscription,
  WorkContext,
} from './bus.js';
import { assertSubject, encodeOutgoing, encodeReply, readIncoming, readReply } from './codec.js';
import { BusError, describeError } from './errors.js';
import type { BusLogger } from './logger.js';
import { isValidPattern } from './subject-syntax.js';
import type { RequestMap, RequestSubject, WorkSubject } from './subjects.js';
import { InFlight, runWithDeadline, SerialRunner, settleWithin } from './task-tracking.js';
import type { Delivery, DeliveryOutcome, ReplyFrame, Transport, TransportConsumer } from './transport.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface TypedBusOptions {
  logger: BusLogger;
  /** Upper bound for `close()` waiting on running handlers. */
  closeTimeoutMs: number;
}

type AnyEventHandler = (payload: unknown, ctx: MessageContext) => void | Promise<void>;
type AnyRequestHandler = (request: unknown, ctx: MessageContext) => unknown;
type AnyWorkHandler = (payload: unknown, ctx: WorkContext) => unknown;

function checkName(what: string, name: string | undefined): void {
  if (name !== undefined && !NAME.test(name)) {
    throw new BusError('INVALID_SUBJECT', `${what} must match ${NAME.source}, got ${JSON.stringify(name)}`);
  }
}

function checkDuration(what: string, ms: number, min: number): void {
  if (!Number.isFinite(ms) || ms < min) throw new RangeError(`${what} must be a number >= ${min}, got ${ms}`);
}

/**
 * The typed, validating layer shared by both implementations. It owns payload checks, JSON, handler
 * ordering, work deadlines and shutdown; the transport only moves bytes.
 */
export function createTypedBus(transport: Transport, options: TypedBusOptions): Bus {
  const { logger } = options;
  const runners = new Set<SerialRunner>();
  const responders = new InFlight();
  const subscriptions = new Set<Subscription>();
  const consumers = new Set<Subscription>();
  let closing: Promise<void> | undefined;

  function assertOpen(subject: string): void {
    if (closing) throw new BusError('CLOSED', 'bus is closed', { subject });
  }

  function track(sub: Subscription, set: Set<Subscription>): Subscription {
    set.add(sub);
    return sub;
  }

  function subscribe(pattern: string, handler: AnyEventHandler, queue: string | undefined): Subscription {
    assertOpen(pattern);
    if (!isValidPattern(pattern)) throw new BusError('INVALID_SUBJECT', `not a subject pattern: ${pattern}`);
    checkName('queue group', queue);
    const runner = new SerialRunner();
    const inner = transport.subscribe(pattern, queue, (subject, data) => {
      const msg = readIncoming('event', subject, data);
      if (!msg.ok) {
        logger.warn({ subject, pattern, reason: msg.reason, bytes: data.byteLength }, 'dropped malformed bus message');
        return;
      }
      runner.push(async () => {
        try {
          await handler(msg.value, { subject });
        } catch (err) {
          logger.error({ subject, pattern, err: describeError(err) }, 'bus subscriber failed');
        }
      });
    });
    runners.add(runner);
    const sub: Subscription = {
      unsubscribe: async () => {
        inner.unsubscribe();
        runner.stop();
        subscriptions.delete(sub);
        await runner.idle();
        runners.delete(runner);
      },
    };
    return track(sub, subscriptions);
  }

  async function answer(subject: string, data: Uint8Array, handler: AnyRequestHandler): Promise<ReplyFrame> {
    const req = readIncoming('request', subject, data);
    if (!req.ok) {
      logger.warn({ subject, reason: req.reason }, 'rejected malformed bus request');
      return { ok: false, code: 'INVALID_PAYLOAD', message: req.reason };
    }
    try {
      return { ok: true, data: encodeReply(subject, await handler(req.value, { subject })) };
    } catch (err) {
      logger.error({ subject, err: describeError(err) }, 'bus responder failed');
      return { ok: false, code: 'REMOTE_ERROR', message: describeError(err) };
    }
  }

  function respond(subject: string, handler: AnyRequestHandler, queue: string | undefined): Subscription {
    assertOpen(subject);
    checkName('queue group', queue);
    assertSubject('request', subject);
    const running = new InFlight();
    const inner = transport.respond(subject, queue, (s, data) =>
      responders.track(running.track(answer(s, data, handler))),
    );
    const sub: Subscription = {
      unsubscribe: async () => {
        inner.unsubscribe();
        subscriptions.delete(sub);
        await running.idle();
      },
    };
    return track(sub, subscriptions);
  }

  async function request(subject: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    assertOpen(subject);
    checkDuration('timeoutMs', timeoutMs, 1);
    const frame = await transport.request(subject, encodeOutgoing('request', subject, payload), timeoutMs);
    if (!frame.ok) {
      throw new BusError(frame.code, `${subject}: responder answered ${frame.code}: ${frame.message}`, { subject });
    }
    const reply = readReply(subject, frame.data);
    if (!reply.ok) throw new BusError('INVALID_PAYLOAD', `${subject}: malformed reply: ${reply.reason}`, { subject });
    return reply.value;
  }

  async function handleDelivery(
    delivery: Delivery,
    handler: AnyWorkHandler,
    ackWaitMs: number,
    maxDeliver: number,
  ): Promise<DeliveryOutcome> {
    const { subject, deliveryCount } = delivery;
    const item = readIncoming('work', subject, delivery.data);
    if (!item.ok) {
      logger.error({ subject, reason: item.reason }, 'dropped malformed work item');
      return 'term';
    }
    const result = await runWithDeadline(
      (signal) => handler(item.value, { subject, deliveryCount, signal }),
      ackWaitMs,
      () => new BusError('TIMEOUT', `work handler exceeded ${ackWaitMs} ms`, { subject }),
    );
    if (result.outcome === 'done') return 'ack';
    const err = result.outcome === 'failed' ? describeError(result.error) : `no ack within ${ackWaitMs} ms`;
    if (maxDeliver > 0 && deliveryCount >= maxDeliver) {
      logger.error({ subject, deliveryCount, err, payload: item.value }, 'work item failed too often, dropped');
      return 'term';
    }
    logger.warn({ subject, deliveryCount, err }, 'work item failed, will be redelivered');
    return 'retry';
  }

  async function consume(
    subject: string,
    opts: Omit<ConsumeOptions<WorkSubject>, 'handler'>,
    handler: AnyWorkHandler,
  ): Promise<Subscription> {
    assertOpen(subject);
    assertSubject('work', subject);
    checkName('durable', opts.durable);
    const ackWaitMs = opts.ackWaitMs ?? 30_000;
    const maxDeliver = opts.maxDeliver ?? -1;
    const retryDelayMs = opts.retryDelayMs ?? 1_000;
    checkDuration('ackWaitMs', ackWaitMs, 100);
    checkDuration('retryDelayMs', retryDelayMs, 0);
    if (!Number.isInteger(maxDeliver) || maxDeliver === 0 || maxDeliver < -1) {
      throw new RangeError(`maxDeliver must be -1 or a positive integer, got ${maxDeliver}`);
    }
    const inner: TransportConsumer = await transport.consume(
      { subject, durable: opts.durable, ackWaitMs, maxDeliver, retryDelayMs },
      (delivery) => handleDelivery(delivery, handler, ackWaitMs, maxDeliver),
    );
    const sub: Subscription = {
      unsubscribe: async () => {
        consumers.delete(sub);
        await inner.stop();
      },
    };
    return track(sub, consumers);
  }

  async function settleHandlers(): Promise<void> {
    await Promise.all([...[...runners].map((r) => r.idle()), responders.idle()]);
  }

  async function shutdown(): Promise<void> {
    const stopping = Promise.all([...consumers, ...subscriptions].map((s) => s.unsubscribe()));
    const settled = await settleWithin(
      stopping.then(() => settleHandlers()),
      options.closeTimeoutMs,
    );
    if (!settled) logger.warn({ timeoutMs: options.closeTimeoutMs }, 'closing bus with handlers still running');
    await transport.close();
  }

  const bus: Bus = {
    publish(subject, payload) {
      assertOpen(subject);
      transport.publish(subject, encodeOutgoing('event', subject, payload));
    },
    subscribe(pattern, handler, opts) {
      return subscribe(pattern, handler as AnyEventHandler, opts?.queue);
    },
    async request<S extends RequestSubject>(subject: S, payload: RequestMap[S]['request'], opts: RequestOptions) {
      // request() validated the reply against this subject's reply schema.
      return (await request(subject, payload, opts.timeoutMs)) as RequestMap[S]['reply'];
    },
    respond(subject, handler, opts) {
      return respond(subject, handler as AnyRequestHandler, opts?.queue);
    },
    async enqueue(subject, payload, opts) {
      assertOpen(subject);
      const dedupId = opts?.dedupId;
      if (dedupId !== undefined && (dedupId === '' || dedupId.length > 256)) {
        throw new BusError('INVALID_PAYLOAD', 'dedupId must be 1..256 characters', { subject });
      }
      await transport.enqueue(subject, encodeOutgoing('work', subject, payload), dedupId);
    },
    consume(subject, { handler, ...opts }) {
      return consume(subject, opts, handler as AnyWorkHandler);
    },
    async flush() {
      assertOpen('flush');
      await transport.flush();
      await settleHandlers();
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
    status(): BusStatus {
      return closing ? 'closed' : transport.status();
    },
    isConnected() {
      return bus.status() === 'connected';
    },
  };
  return bus;
}
