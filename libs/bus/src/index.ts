export type {
  Bus,
  BusStatus,
  ConsumeOptions,
  EnqueueOptions,
  EventHandler,
  MessageContext,
  RequestHandler,
  RequestOptions,
  SubscribeOptions,
  Subscription,
  WorkContext,
  WorkHandler,
} from './bus.js';
export { MAX_PAYLOAD_BYTES } from './codec.js';
export { BusError, type BusErrorCode, isBusError } from './errors.js';
export { type BusLogger, stderrLogger } from './logger.js';
export { createMemoryBus, type MemoryBusOptions } from './memory-bus.js';
export { createNatsBus, type NatsBusOptions } from './nats-bus.js';
export * from './payloads.js';
export { decodeSubjectToken, encodeSubjectToken } from './subject-syntax.js';
export {
  type EventMap,
  type EventPattern,
  type EventPatternMap,
  type EventSubject,
  type EventWildcardMap,
  type PresenceSubject,
  type QuotaSubject,
  type RequestMap,
  type RequestSubject,
  type StoreChangedSubject,
  subjects,
  type WorkMap,
  type WorkSubject,
  workSubjects,
} from './subjects.js';
