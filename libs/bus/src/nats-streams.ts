import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from 'nats';
import { BusError, describeError } from './errors.js';
import { JsErr, jsApiErrorCode, toBusError } from './nats-errors.js';

export interface WorkStreamSpec {
  name: string;
  subjects: string[];
  replicas: number;
  duplicateWindowMs: number;
}

function sameSubjects(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/**
 * Creates the work-queue stream, or brings an existing one up to date; safe to run from every service
 * at every start, also concurrently. Retention and storage cannot change on a live stream: a stream
 * with the right name but the wrong kind is a CONFLICT for an operator to resolve.
 */
export async function ensureWorkStream(jsm: JetStreamManager, spec: WorkStreamSpec): Promise<void> {
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: spec.name,
    subjects: spec.subjects,
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: spec.replicas,
    duplicate_window: nanos(spec.duplicateWindowMs),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    let existing: StreamConfig | undefined;
    try {
      existing = (await jsm.streams.info(spec.name)).config;
    } catch (err) {
      if (jsApiErrorCode(err) !== JsErr.streamNotFound) throw toBusError(err, `stream ${spec.name} info`);
    }
    if (existing) {
      if (existing.retention !== RetentionPolicy.Workqueue || existing.storage !== StorageType.File) {
        throw new BusError(
          'CONFLICT',
          `stream ${spec.name} exists with retention=${existing.retention} storage=${existing.storage}; ` +
            'expected a file-backed work-queue stream',
        );
      }
      if (sameSubjects(existing.subjects, spec.subjects) && existing.duplicate_window === wanted.duplicate_window)
        return;
      try {
        await jsm.streams.update(spec.name, {
          ...existing,
          subjects: spec.subjects,
          duplicate_window: wanted.duplicate_window,
        });
        return;
      } catch (err) {
        throw streamError(err, spec);
      }
    }
    try {
      await jsm.streams.add(wanted);
      return;
    } catch (err) {
      // Another service created it between our info and add: go round again and update it.
      if (jsApiErrorCode(err) !== JsErr.streamNameInUse) throw streamError(err, spec);
    }
  }
  throw new BusError('CONFLICT', `stream ${spec.name} keeps changing under us`);
}

function streamError(err: unknown, spec: WorkStreamSpec): BusError {
  if (jsApiErrorCode(err) === JsErr.streamSubjectOverlap) {
    return new BusError(
      'CONFLICT',
      `another stream already captures ${spec.subjects.join(', ')}; use a distinct subject prefix`,
      { cause: err },
    );
  }
  return toBusError(err, `stream ${spec.name}`);
}

export interface WorkConsumerSpec {
  stream: string;
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  maxDeliver: number;
}

/** Creates or updates the durable pull consumer (explicit ack) of one work subject. */
export async function ensureWorkConsumer(jsm: JetStreamManager, spec: WorkConsumerSpec): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
  };
  try {
    await jsm.consumers.add(spec.stream, config);
  } catch (err) {
    const code = jsApiErrorCode(err);
    if (code === JsErr.consumerNotUniqueOnWorkQueue) {
      throw new BusError(
        'CONFLICT',
        `${spec.filterSubject} already has a consumer other than ${spec.durable}; a work subject has one durable`,
        { subject: spec.filterSubject, cause: err },
      );
    }
    if (code !== JsErr.consumerAlreadyExists) throw toBusError(err, `consumer ${spec.durable}: ${describeError(err)}`);
    try {
      await jsm.consumers.update(spec.stream, spec.durable, {
        ack_wait: config.ack_wait,
        max_deliver: spec.maxDeliver,
      });
    } catch (updateErr) {
      throw toBusError(updateErr, `consumer ${spec.durable} update`);
    }
  }
}
