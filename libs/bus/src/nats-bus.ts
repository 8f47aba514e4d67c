import { connect, type NatsConnection } from 'nats';
import type { Bus } from './bus.js';
import { BusError, describeError } from './errors.js';
import { type BusLogger, stderrLogger } from './logger.js';
import { ensureWorkStream } from './nats-streams.js';
import { NatsTransport } from './nats-transport.js';
import { isValidSubject } from './subject-syntax.js';
import { workSubjects } from './subjects.js';
import { createTypedBus } from './typed-bus.js';

export interface NatsBusOptions {
  /** Server URL(s), e.g. `nats://127.0.0.1:4222`. */
  url: string | string[];
  /** Connection name shown in NATS monitoring, e.g. `kgc-spooler@host`. */
  name: string;
  logger?: BusLogger;
  /** Prefix of the JetStream stream name (`<prefix>_WORK`), [A-Za-z0-9_-]. Default `KGC`. */
  streamPrefix?: string;
  /**
   * Prepended to every subject on the wire (`<prefix>.kgc.…`). Default none. Two deployments (or test
   * runs) sharing a NATS server need distinct prefixes: streams may not capture the same subjects.
   */
  subjectPrefix?: string;
  /** Failing first connect gives up after this long (reconnects after that retry forever). Default 5 000. */
  connectTimeoutMs?: number;
  /** Wait between reconnect attempts (plus jitter). Default 1 000. */
  reconnectWaitMs?: number;
  /** JetStream replicas for the work stream (3 in a cluster). Default 1. */
  replicas?: number;
  /** Upper bound for `close()` waiting on running handlers. Default 10 000. */
  closeTimeoutMs?: number;
  user?: string;
  pass?: string;
  token?: string;
}

const STREAM_PREFIX = /^[A-Za-z0-9_-]{1,32}$/;
const DUPLICATE_WINDOW_MS = 120_000;

/**
 * Connects to NATS, makes sure the work-queue stream exists, and returns the bus. Fails fast with
 * CONNECT_FAILED when the server cannot be reached at start (the orchestrator restarts the service);
 * once connected, it reconnects forever and `status()` reports `reconnecting` meanwhile.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<Bus> {
  const logger = options.logger ?? stderrLogger;
  const streamPrefix = options.streamPrefix ?? 'KGC';
  const subjectPrefix = options.subjectPrefix ?? '';
  if (!STREAM_PREFIX.test(streamPrefix)) {
    throw new BusError('INVALID_SUBJECT', `streamPrefix must match ${STREAM_PREFIX.source}`);
  }
  if (subjectPrefix !== '' && !isValidSubject(subjectPrefix)) {
    throw new BusError('INVALID_SUBJECT', `subjectPrefix is not a valid subject: ${subjectPrefix}`);
  }
  const streamName = `${streamPrefix}_WORK`;

  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.url,
      name: options.name,
      timeout: options.connectTimeoutMs ?? 5_000,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectWaitMs ?? 1_000,
      reconnectJitter: 500,
      pingInterval: 20_000,
      maxPingOut: 3,
      ...(options.user === undefined ? {} : { user: options.user, pass: options.pass }),
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  } catch (err) {
    throw new BusError('CONNECT_FAILED', `cannot connect to NATS at ${String(options.url)}: ${describeError(err)}`, {
      cause: err,
    });
  }

  try {
    const jsm = await nc.jetstreamManager();
    await ensureWorkStream(jsm, {
      name: streamName,
      subjects: workSubjects.map((s) => (subjectPrefix === '' ? s : `${subjectPrefix}.${s}`)),
      replicas: options.replicas ?? 1,
      duplicateWindowMs: DUPLICATE_WINDOW_MS,
    });
    const transport = new NatsTransport(nc, jsm, { subjectPrefix, streamName, logger });
    logger.info({ server: nc.getServer(), stream: streamName, subjectPrefix }, 'bus connected to NATS');
    return createTypedBus(transport, { logger, closeTimeoutMs: options.closeTimeoutMs ?? 10_000 });
  } catch (err) {
    await nc.close();
    if (err instanceof BusError) throw err;
    throw new BusError('UNAVAILABLE', `JetStream setup failed: ${describeError(err)}`, { cause: err });
  }
}
