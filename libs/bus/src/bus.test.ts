import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { connect, type JetStreamManager, type NatsConnection, RetentionPolicy, StorageType } from 'nats';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Bus } from './bus.js';
import { BusError, type BusErrorCode } from './errors.js';
import type { BusLogger } from './logger.js';
import { createMemoryBus } from './memory-bus.js';
import { createNatsBus, type NatsBusOptions } from './nats-bus.js';
import type { StoreChanged } from './payloads.js';
import { subjects } from './subjects.js';

const NATS_URL = 'nats://127.0.0.1:4222';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 4_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function errorCode(promise: Promise<unknown>): Promise<BusErrorCode | 'resolved' | 'other'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return err instanceof BusError ? err.code : 'other';
  }
}

function syncErrorCode(fn: () => unknown): BusErrorCode | 'returned' | 'other' {
  try {
    fn();
    return 'returned';
  } catch (err) {
    return err instanceof BusError ? err.code : 'other';
  }
}

interface LogEntry {
  level: string;
  msg: string;
  obj: Record<string, unknown>;
}

function captureLogger(): { logger: BusLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => entries.push({ level, msg, obj });
  return { entries, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** One test's world: `bus` and `peer` are two services on the same bus (the same object in memory). */
interface Harness {
  bus: Bus;
  peer: Bus;
  logs: LogEntry[];
  /** Another service joining the same bus (a new NATS connection; the same bus in memory). */
  join(): Promise<Bus>;
  /** Flushes every open bus so subscriptions are registered before publishing. */
  settle(): Promise<void>;
  cleanup(): Promise<void>;
}

async function memoryHarness(): Promise<Harness> {
  const { logger, entries } = captureLogger();
  const bus = createMemoryBus({ logger, closeTimeoutMs: 2_000 });
  return {
    bus,
    peer: bus,
    logs: entries,
    join: async () => bus,
    settle: async () => {
      if (bus.status() !== 'closed') await bus.flush();
    },
    cleanup: () => bus.close(),
  };
}

let adminConnection: Promise<NatsConnection> | undefined;
let admin: NatsConnection;
let jsm: JetStreamManager;

/**
 * The test's own NATS connection, made by the first NATS test. Deliberately no skip: without a
 * reachable server every NATS test fails (connection refused), while the memory suite still runs.
 */
async function connectAdmin(): Promise<void> {
  adminConnection ??= connect({ servers: NATS_URL, name: 'bus-test-admin', timeout: 3_000 });
  admin = await adminConnection;
  jsm = await admin.jetstreamManager();
}

function natsNamespace(): Required<Pick<NatsBusOptions, 'streamPrefix' | 'subjectPrefix'>> & { stream: string } {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  return { streamPrefix: `TEST_${id}`, subjectPrefix: `test.${id}`, stream: `TEST_${id}_WORK` };
}

interface NatsHarness extends Harness {
  subjectPrefix: string;
  stream: string;
}

async function natsHarness(): Promise<NatsHarness> {
  await connectAdmin();
  const { logger, entries } = captureLogger();
  const ns = natsNamespace();
  const opened: Bus[] = [];
  const join = async () => {
    const bus = await createNatsBus({ url: NATS_URL, name: 'bus-test', logger, closeTimeoutMs: 2_000, ...ns });
    opened.push(bus);
    return bus;
  };
  const bus = await join();
  const peer = await join();
  return {
    bus,
    peer,
    logs: entries,
    join,
    subjectPrefix: ns.subjectPrefix,
    stream: ns.stream,
    settle: async () => {
      await Promise.all(opened.filter((b) => b.status() !== 'closed').map((b) => b.flush()));
    },
    cleanup: async () => {
      await Promise.all(opened.map((b) => b.close()));
      await jsm.streams.delete(ns.stream).catch(() => false);
    },
  };
}

afterAll(async () => {
  if (adminConnection) await (await adminConnection).close();
});

const store = (storeId: number, modseq: number): StoreChanged => ({ storeId, modseq });

describe.each([
  ['memory', memoryHarness],
  ['nats', natsHarness],
])('bus contract: %s', (_name, makeHarness) => {
  let h: Harness | undefined;
  const open = async (): Promise<Harness> => {
    const opened = await makeHarness();
    h = opened;
    return opened;
  };
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('fans a notice out to every subscriber, asynchronously', async () => {
    const { bus, peer, settle } = await open();
    const a: StoreChanged[] = [];
    const b: StoreChanged[] = [];
    peer.subscribe(subjects.storeChanged(7), (p) => {
      a.push(p);
    });
    bus.subscribe('kgc.store.7.changed', (p) => {
      b.push(p);
    });
    await settle();
    bus.publish(subjects.storeChanged(7), { storeId: 7, modseq: 42, folderIds: [1, 2] });
    expect(b).toHaveLength(0); // never re-entrant into the publisher
    await waitFor('both subscribers', () => a.length === 1 && b.length === 1);
    expect(a[0]).toEqual({ storeId: 7, modseq: 42, folderIds: [1, 2] });
    expect(b[0]).toEqual(a[0]);
  });

  it('matches wildcard patterns and reports the concrete subject', async () => {
    const { bus, peer, settle } = await open();
    const stores: string[] = [];
    const quota: string[] = [];
    const presence: string[] = [];
    peer.subscribe(subjects.allStoreChanges, (p, ctx) => {
      stores.push(`${ctx.subject}=${p.modseq}`);
    });
    peer.subscribe(subjects.allQuota, (p, ctx) => {
      quota.push(`${ctx.subject}=${p.level}`);
    });
    peer.subscribe(subjects.allPresence, (p, ctx) => {
      presence.push(`${ctx.subject}=${p.user}`);
    });
    await settle();
    bus.publish(subjects.storeChanged(1), store(1, 10));
    bus.publish(subjects.storeChanged(2), store(2, 20));
    bus.publish(subjects.quota('hard'), { userId: 3, storeId: 2, level: 'hard', size: 1024 });
    const user = 'john.doe@example.com';
    bus.publish(subjects.presence(user), { user, status: 'away', ts: 1_700_000_000_000 });
    await waitFor('all notices', () => stores.length === 2 && quota.length === 1 && presence.length === 1);
    expect(stores).toEqual(['kgc.store.1.changed=10', 'kgc.store.2.changed=20']);
    expect(quota).toEqual(['kgc.quota.hard=hard']);
    expect(presence).toEqual([`${subjects.presence(user)}=${user}`]);
  });

  it('delivers each message to one member of a queue group, and to every plain subscriber', async () => {
    const { bus, peer, settle } = await open();
    const members: number[][] = [[], []];
    const everyone: number[] = [];
    bus.subscribe(subjects.allStoreChanges, (p) => void members[0]?.push(p.modseq), { queue: 'imap' });
    peer.subscribe(subjects.allStoreChanges, (p) => void members[1]?.push(p.modseq), { queue: 'imap' });
    peer.subscribe(subjects.allStoreChanges, (p) => void everyone.push(p.modseq));
    await settle();
    for (let i = 1; i <= 20; i++) bus.publish(subjects.storeChanged(i), store(i, i));
    const grouped = () => members.flat().length;
    await waitFor('group deliveries', () => everyone.length === 20 && grouped() >= 20);
    await settle();
    await sleep(50);
    expect(members.flat().sort((x, y) => x - y)).toEqual(everyone);
    expect(everyone).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('keeps per-subscription order even with async handlers', async () => {
    const { bus, peer, settle } = await open();
    const seen: number[] = [];
    peer.subscribe(subjects.storeChanged(1), async (p) => {
      await sleep(p.modseq % 3);
      seen.push(p.modseq);
    });
    await settle();
    for (let i = 1; i <= 30; i++) bus.publish(subjects.storeChanged(1), store(1, i));
    await waitFor('30 notices', () => seen.length === 30);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('keeps delivering after a subscriber throws, and logs the failure', async () => {
    const { bus, peer, settle, logs } = await open();
    const seen: number[] = [];
    peer.subscribe(subjects.storeChanged(1), (p) => {
      seen.push(p.modseq);
      if (p.modseq === 1) throw new Error('handler bug');
    });
    await settle();
    bus.publish(subjects.storeChanged(1), store(1, 1));
    bus.publish(subjects.storeChanged(1), store(1, 2));
    await waitFor('both notices', () => seen.length === 2);
    await waitFor('error log', () => logs.some((l) => l.level === 'error' && l.msg === 'bus subscriber failed'));
  });

  it('stops delivering after unsubscribe', async () => {
    const { bus, peer, settle } = await open();
    const seen: number[] = [];
    const sub = peer.subscribe(subjects.storeChanged(1), (p) => {
      seen.push(p.modseq);
    });
    await settle();
    bus.publish(subjects.storeChanged(1), store(1, 1));
    await waitFor('first notice', () => seen.length === 1);
    await sub.unsubscribe();
    await settle();
    bus.publish(subjects.storeChanged(1), store(1, 2));
    await settle();
    await sleep(50);
    expect(seen).toEqual([1]);
  });

  it('answers requests and fails them with typed errors', async () => {
    const { bus, peer, settle } = await open();
    expect(await errorCode(bus.request(subjects.searchQuery, { storeId: 1, query: 'x' }, { timeoutMs: 1_000 }))).toBe(
      'NO_RESPONDERS',
    );
    peer.respond(subjects.searchQuery, async (q) => ({ ids: [q.storeId, q.limit ?? 0, ...(q.folderIds ?? [])] }), {
      queue: 'search',
    });
    await settle();
    const reply = await bus.request(
      subjects.searchQuery,
      { storeId: 3, query: 'hello', limit: 5 },
      { timeoutMs: 2_000 },
    );
    expect(reply).toEqual({ ids: [3, 5] });
    // The caller's bad payload never leaves the process.
    const bad = { storeId: -1, query: 'x' };
    expect(await errorCode(bus.request(subjects.searchQuery, bad, { timeoutMs: 500 }))).toBe('INVALID_PAYLOAD');
  });

  it('times out a request nobody answers in time', async () => {
    const { bus, peer, settle } = await open();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    peer.respond(subjects.searchQuery, async () => {
      await gate;
      return { ids: [] };
    });
    await settle();
    const started = Date.now();
    expect(await errorCode(bus.request(subjects.searchQuery, { storeId: 1, query: 'x' }, { timeoutMs: 200 }))).toBe(
      'TIMEOUT',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    release();
  });

  it('reports a failing responder as REMOTE_ERROR', async () => {
    const { bus, peer, settle, logs } = await open();
    peer.respond(subjects.searchQuery, (q) => {
      if (q.query === 'bad-reply') return { ids: [-5] };
      throw new Error('index offline');
    });
    await settle();
    const failed = bus.request(subjects.searchQuery, { storeId: 1, query: 'x' }, { timeoutMs: 2_000 });
    await expect(failed).rejects.toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('offline') });
    const badReply = bus.request(subjects.searchQuery, { storeId: 1, query: 'bad-reply' }, { timeoutMs: 2_000 });
    expect(await errorCode(badReply)).toBe('REMOTE_ERROR');
    expect(logs.filter((l) => l.msg === 'bus responder failed')).toHaveLength(2);
  });

  it('hands each work item to exactly one worker of a durable group', async () => {
    const { bus, peer } = await open();
    const counts = new Map<number, number>();
    const perWorker = [0, 0];
    const worker = (n: 0 | 1) => async (p: { queueId: number }) => {
      counts.set(p.queueId, (counts.get(p.queueId) ?? 0) + 1);
      perWorker[n] = (perWorker[n] ?? 0) + 1;
      await sleep(3);
    };
    await bus.consume(subjects.mailSubmitted, { durable: 'spooler', handler: worker(0) });
    await peer.consume(subjects.mailSubmitted, { durable: 'spooler', handler: worker(1) });
    for (let i = 1; i <= 30; i++) await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: i });
    await waitFor('30 items', () => counts.size === 30);
    await sleep(150);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(perWorker[0]).toBeGreaterThan(0);
    expect(perWorker[1]).toBeGreaterThan(0);
  });

  it('redelivers an item whose handler throws, until it succeeds', async () => {
    const { bus, peer } = await open();
    const attempts: number[] = [];
    await peer.consume(subjects.searchIndex, {
      durable: 'indexer',
      retryDelayMs: 30,
      handler: async (_p, ctx) => {
        attempts.push(ctx.deliveryCount);
        if (ctx.deliveryCount < 3) throw new Error('transient');
      },
    });
    await bus.enqueue(subjects.searchIndex, { storeId: 1, modseq: 9 });
    await waitFor('third attempt', () => attempts.length === 3);
    await sleep(150);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('redelivers an item whose handler exceeds the ack wait, aborting its signal', async () => {
    const { bus, peer } = await open();
    const attempts: number[] = [];
    let aborted = false;
    await peer.consume(subjects.searchIndex, {
      durable: 'indexer',
      ackWaitMs: 300,
      retryDelayMs: 0,
      handler: (_p, ctx) => {
        attempts.push(ctx.deliveryCount);
        if (ctx.deliveryCount > 1) return;
        return new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          }),
        );
      },
    });
    await bus.enqueue(subjects.searchIndex, { storeId: 2, modseq: 1 });
    await waitFor('redelivery', () => attempts.length === 2);
    expect(aborted).toBe(true);
    await sleep(400);
    expect(attempts).toEqual([1, 2]);
  });

  it('drops an item after maxDeliver failures without blocking the next one', async () => {
    const { bus, peer, logs } = await open();
    const attempts = new Map<number, number>();
    await peer.consume(subjects.mailSubmitted, {
      durable: 'spooler',
      maxDeliver: 2,
      retryDelayMs: 20,
      handler: async (p) => {
        attempts.set(p.queueId, (attempts.get(p.queueId) ?? 0) + 1);
        if (p.queueId === 1) throw new Error('poison');
      },
    });
    await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 1 });
    await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 2 });
    await waitFor('poison given up', () => logs.some((l) => l.msg === 'work item failed too often, dropped'));
    await sleep(200);
    expect(attempts.get(1)).toBe(2);
    expect(attempts.get(2)).toBe(1);
  });

  it('keeps work enqueued while no worker runs, across worker restarts', async () => {
    const { bus, peer } = await open();
    const got: { queueId: number; deliveryCount: number }[] = [];
    const handler = async (p: { queueId: number }, ctx: { deliveryCount: number }) => {
      got.push({ queueId: p.queueId, deliveryCount: ctx.deliveryCount });
    };
    const ids = () => got.map((g) => g.queueId);
    await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 1 });
    await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 2 });
    let worker = await peer.consume(subjects.mailSubmitted, { durable: 'spooler', handler });
    await waitFor('backlog', () => got.length === 2);
    // Several restarts: an item that reached the stopped worker's still-pending pull would only come
    // back after the 30 s ack wait, so it shows up here as a timeout and a deliveryCount above 1.
    for (let queueId = 3; queueId <= 7; queueId++) {
      await worker.unsubscribe();
      await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId });
      await sleep(20);
      expect(got).toHaveLength(queueId - 1);
      worker = await peer.consume(subjects.mailSubmitted, { durable: 'spooler', handler });
      await waitFor(`item ${queueId} enqueued while stopped`, () => got.length === queueId, 10_000);
    }
    expect(ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(got.every((g) => g.deliveryCount === 1)).toBe(true);
  });

  it('drops a duplicate enqueue with the same dedupId', async () => {
    const { bus, peer } = await open();
    const got: number[] = [];
    await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 5 }, { dedupId: 'mail-5' });
    await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 5 }, { dedupId: 'mail-5' });
    await bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 6 }, { dedupId: 'mail-6' });
    await peer.consume(subjects.mailSubmitted, {
      durable: 'spooler',
      handler: (p) => {
        got.push(p.queueId);
      },
    });
    await waitFor('two items', () => got.length === 2);
    await sleep(100);
    expect(got).toEqual([5, 6]);
  });

  it('refuses a second durable on the same work subject', async () => {
    const { bus, peer } = await open();
    await bus.consume(subjects.searchIndex, { durable: 'indexer', handler: () => {} });
    const other = peer.consume(subjects.searchIndex, { durable: 'other', handler: () => {} });
    expect(await errorCode(other)).toBe('CONFLICT');
  });

  it('validates outgoing subjects and payloads', async () => {
    const { bus } = await open();
    // Casts stand in for untyped callers (JSON from elsewhere, any-typed code).
    const loose = bus as unknown as {
      publish(subject: string, payload: unknown): void;
      enqueue(subject: string, payload: unknown): Promise<void>;
    };
    expect(syncErrorCode(() => loose.publish('kgc.store.1.changed', { storeId: '1', modseq: 1 }))).toBe(
      'INVALID_PAYLOAD',
    );
    expect(syncErrorCode(() => bus.publish(subjects.storeChanged(1), store(2, 1)))).toBe('INVALID_PAYLOAD');
    expect(syncErrorCode(() => bus.publish('kgc.presence.*', { user: '*', status: 'x', ts: 1 }))).toBe(
      'INVALID_SUBJECT',
    );
    const huge = { storeId: 1, modseq: 1, folderIds: Array.from({ length: 10_000 }, () => 1_000_000_000) };
    expect(syncErrorCode(() => bus.publish(subjects.storeChanged(1), huge))).toBe('INVALID_PAYLOAD');
    expect(await errorCode(loose.enqueue('kgc.store.1.changed', store(1, 1)))).toBe('INVALID_SUBJECT');
    expect(await errorCode(loose.enqueue('kgc.mail.submitted', { storeId: 1 }))).toBe('INVALID_PAYLOAD');
  });

  it('reports status and refuses use after close', async () => {
    const { bus } = await open();
    expect(bus.status()).toBe('connected');
    expect(bus.isConnected()).toBe(true);
    await bus.close();
    await bus.close();
    expect(bus.status()).toBe('closed');
    expect(bus.isConnected()).toBe(false);
    expect(syncErrorCode(() => bus.publish(subjects.storeChanged(1), store(1, 1)))).toBe('CLOSED');
    expect(syncErrorCode(() => bus.subscribe(subjects.allQuota, () => {}))).toBe('CLOSED');
    expect(await errorCode(bus.request(subjects.searchQuery, { storeId: 1, query: 'x' }, { timeoutMs: 100 }))).toBe(
      'CLOSED',
    );
    expect(await errorCode(bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 1 }))).toBe('CLOSED');
  });
});

describe('nats bus', () => {
  let h: NatsHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });
  const openNats = async (): Promise<NatsHarness> => {
    const opened = await natsHarness();
    h = opened;
    return opened;
  };

  it('drops malformed payloads published raw on the connection, and keeps going', async () => {
    const ns = await openNats();
    const seen: StoreChanged[] = [];
    ns.peer.subscribe(subjects.allStoreChanges, (p) => {
      seen.push(p);
    });
    await ns.settle();
    const prefix = ns.subjectPrefix;
    const raw = (s: string, data: string | Uint8Array) =>
      admin.publish(`${prefix}.${s}`, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    raw('kgc.store.5.changed', 'not json at all');
    raw('kgc.store.5.changed', '{"storeId":"5","modseq":1}');
    raw('kgc.store.5.changed', '{"storeId":6,"modseq":1}');
    raw('kgc.store.5.changed', new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]));
    raw('kgc.store.5.changed', '');
    raw('kgc.store.5.changed', '{"storeId":5,"modseq":2}');
    await admin.flush();
    await waitFor('valid notice', () => seen.length === 1);
    await ns.settle();
    expect(seen).toEqual([{ storeId: 5, modseq: 2 }]);
    expect(ns.logs.filter((l) => l.msg === 'dropped malformed bus message')).toHaveLength(5);
    expect(ns.peer.isConnected()).toBe(true);
  });

  it('answers a malformed raw request with INVALID_PAYLOAD and keeps serving', async () => {
    const t = await openNats();
    t.peer.respond(subjects.searchQuery, (q) => ({ ids: [q.storeId] }));
    await t.settle();
    const prefix = t.subjectPrefix;
    const reply = await admin.request(`${prefix}.kgc.search.query`, new TextEncoder().encode('{"query":1}'), {
      timeout: 2_000,
    });
    expect(reply.headers?.get('Kgc-Error-Code')).toBe('INVALID_PAYLOAD');
    expect(await t.bus.request(subjects.searchQuery, { storeId: 4, query: 'q' }, { timeoutMs: 2_000 })).toEqual({
      ids: [4],
    });
  });

  it('terminates a malformed work item instead of redelivering it', async () => {
    const t = await openNats();
    const prefix = t.subjectPrefix;
    const js = admin.jetstream();
    await js.publish(`${prefix}.kgc.mail.submitted`, new TextEncoder().encode('{"queueId":"x"}'));
    await t.bus.enqueue(subjects.mailSubmitted, { storeId: 1, queueId: 8 });
    const got: number[] = [];
    await t.peer.consume(subjects.mailSubmitted, {
      durable: 'spooler',
      retryDelayMs: 10,
      handler: (p) => {
        got.push(p.queueId);
      },
    });
    await waitFor('valid item', () => got.length === 1);
    await waitFor('stream drained', async () => (await jsm.streams.info(t.stream)).state.messages === 0);
    expect(got).toEqual([8]);
    expect(t.logs.filter((l) => l.msg === 'dropped malformed work item')).toHaveLength(1);
  });

  it('delivers work enqueued before a restart to a new connection', async () => {
    const t = await openNats();
    await t.bus.enqueue(subjects.searchIndex, { storeId: 9, modseq: 99 });
    await t.bus.close();
    await t.peer.close();
    const restarted = await t.join();
    const got: number[] = [];
    await restarted.consume(subjects.searchIndex, {
      durable: 'indexer',
      handler: (p) => {
        got.push(p.modseq);
      },
    });
    await waitFor('item from before the restart', () => got.length === 1);
    expect(got).toEqual([99]);
  });

  it('creates a file-backed work-queue stream, idempotently', async () => {
    const t = await openNats();
    await t.join(); // a third service starting against the existing stream
    const prefix = t.subjectPrefix;
    const info = await jsm.streams.info(t.stream);
    expect(info.config.retention).toBe(RetentionPolicy.Workqueue);
    expect(info.config.storage).toBe(StorageType.File);
    expect([...info.config.subjects].sort()).toEqual([`${prefix}.kgc.mail.submitted`, `${prefix}.kgc.search.index`]);
  });

  it('refuses a stream of the wrong kind under its name', async () => {
    await connectAdmin();
    const ns = natsNamespace();
    await jsm.streams.add({
      name: ns.stream,
      subjects: [`${ns.subjectPrefix}.other`],
      retention: RetentionPolicy.Limits,
    });
    try {
      const created = createNatsBus({ url: NATS_URL, name: 'bus-test', logger: captureLogger().logger, ...ns });
      expect(await errorCode(created)).toBe('CONFLICT');
    } finally {
      await jsm.streams.delete(ns.stream);
    }
  });

  it('fails fast with CONNECT_FAILED when the server is unreachable', async () => {
    const port = await closedPort();
    const started = Date.now();
    const created = createNatsBus({ url: `nats://127.0.0.1:${port}`, name: 'bus-test', connectTimeoutMs: 1_000 });
    expect(await errorCode(created)).toBe('CONNECT_FAILED');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
