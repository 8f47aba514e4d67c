import type { BusStatus } from './bus.js';

/*
 * What a bus implementation must provide underneath the typed layer (typed-bus.ts): routing of bytes
 * by subject. Subjects here are logical (`kgc.…`); a transport may add its own prefix on the wire.
 * Validation, JSON, handler ordering and deadlines live in the typed layer, so both transports share them.
 */

export interface TransportSubscription {
  unsubscribe(): void;
}

export type ReplyFrame =
  | { ok: true; data: Uint8Array }
  | { ok: false; code: 'INVALID_PAYLOAD' | 'REMOTE_ERROR'; message: string };

export interface Delivery {
  subject: string;
  data: Uint8Array;
  deliveryCount: number;
}

/** ack: done; retry: redeliver after the retry delay; term: drop for good. */
export type DeliveryOutcome = 'ack' | 'retry' | 'term';

export interface ConsumerSpec {
  subject: string;
  durable: string;
  ackWaitMs: number;
  maxDeliver: number;
  retryDelayMs: number;
}

export interface TransportConsumer {
  /** Stops fetching; resolves once the delivery in progress (if any) got its outcome. */
  stop(): Promise<void>;
}

export interface Transport {
  publish(subject: string, data: Uint8Array): void;
  /** `onMessage` is never called synchronously from `publish`. */
  subscribe(
    pattern: string,
    queue: string | undefined,
    onMessage: (subject: string, data: Uint8Array) => void,
  ): TransportSubscription;
  /** Rejects with BusError TIMEOUT, NO_RESPONDERS, CLOSED or UNAVAILABLE. */
  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<ReplyFrame>;
  respond(
    subject: string,
    queue: string | undefined,
    onRequest: (subject: string, data: Uint8Array) => Promise<ReplyFrame>,
  ): TransportSubscription;
  enqueue(subject: string, data: Uint8Array, dedupId: string | undefined): Promise<void>;
  /** One delivery at a time per consumer; `onDelivery` always settles within the ack wait. */
  consume(spec: ConsumerSpec, onDelivery: (delivery: Delivery) => Promise<DeliveryOutcome>): Promise<TransportConsumer>;
  flush(): Promise<void>;
  close(): Promise<void>;
  status(): BusStatus;
}
