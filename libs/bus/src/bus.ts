import type {
  EventMap,
  EventPatternMap,
  EventSubject,
  RequestMap,
  RequestSubject,
  WorkMap,
  WorkSubject,
} from './subjects.js';

/** Connection state for readiness probes. The memory bus is `connected` until closed. */
export type BusStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface MessageContext {
  /** The concrete subject the message arrived on (without any deployment prefix). */
  subject: string;
}

export type EventHandler<P> = (payload: P, ctx: MessageContext) => void | Promise<void>;

export type RequestHandler<S extends RequestSubject> = (
  request: RequestMap[S]['request'],
  ctx: MessageContext,
) => RequestMap[S]['reply'] | Promise<RequestMap[S]['reply']>;

export interface WorkContext extends MessageContext {
  /** 1 on first delivery, then 2, 3, … on redeliveries. */
  deliveryCount: number;
  /** Aborted when the ack deadline passes; the item will be redelivered whatever the handler does next. */
  signal: AbortSignal;
}

/** Resolve to ack the item; reject (or exceed the ack deadline) to have it redelivered. */
export type WorkHandler<S extends WorkSubject> = (payload: WorkMap[S], ctx: WorkContext) => Promise<void> | void;

export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group instead of to every subscriber. */
  queue?: string;
}

export interface RequestOptions {
  timeoutMs: number;
}

export interface EnqueueOptions {
  /** Idempotency key: a second enqueue with the same id within the dedup window (2 min) is dropped. */
  dedupId?: string;
}

export interface ConsumeOptions<S extends WorkSubject> {
  /** Name of the consumer group ([A-Za-z0-9_-]). Each work subject has exactly one; all workers share it. */
  durable: string;
  handler: WorkHandler<S>;
  /** How long a handler may run before the item counts as failed and is redelivered. Default 30 000. */
  ackWaitMs?: number;
  /** Deliveries before an item is dropped and logged as dead. Default -1 (unlimited). */
  maxDeliver?: number;
  /** Delay before a failed item is redelivered. Default 1 000. */
  retryDelayMs?: number;
}

export interface Subscription {
  /** Stops delivery; resolves once the handler call in progress (if any) has settled. */
  unsubscribe(): Promise<void>;
}

/**
 * The bus every KGC service talks to. Payloads are validated on the way out (BusError INVALID_PAYLOAD)
 * and on the way in (malformed messages are logged and dropped). Handlers run asynchronously, never
 * inside the publishing call; event handlers of one subscription run one at a time, in order.
 */
export interface Bus {
  /** Fan-out notice to every subscriber (and one member per queue group). Fire and forget. */
  publish<S extends EventSubject>(subject: S, payload: EventMap[S]): void;
  /** `pattern` may use `*` (one token), e.g. `kgc.store.*.changed`. */
  subscribe<P extends keyof EventPatternMap>(
    pattern: P,
    handler: EventHandler<EventPatternMap[P]>,
    options?: SubscribeOptions,
  ): Subscription;
  /** Rejects with BusError TIMEOUT, NO_RESPONDERS, REMOTE_ERROR, INVALID_PAYLOAD or CLOSED. */
  request<S extends RequestSubject>(
    subject: S,
    payload: RequestMap[S]['request'],
    options: RequestOptions,
  ): Promise<RequestMap[S]['reply']>;
  respond<S extends RequestSubject>(subject: S, handler: RequestHandler<S>, options?: SubscribeOptions): Subscription;
  /** Resolves once the item is stored (NATS: acknowledged by JetStream). */
  enqueue<S extends WorkSubject>(subject: S, payload: WorkMap[S], options?: EnqueueOptions): Promise<void>;
  /** Starts a worker of the durable group; items enqueued while no worker ran are delivered too. */
  consume<S extends WorkSubject>(subject: S, options: ConsumeOptions<S>): Promise<Subscription>;
  /** Resolves when everything published so far reached the transport and handlers of received messages settled. */
  flush(): Promise<void>;
  /** Stops workers and subscriptions (waiting for running handlers, bounded), then closes the transport. Idempotent. */
  close(): Promise<void>;
  status(): BusStatus;
  isConnected(): boolean;
}
