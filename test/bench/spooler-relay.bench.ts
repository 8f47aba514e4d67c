/**
 * Spooler benchmark on MariaDB + NATS: messages/s from submit (createMessage + submitMessage
 * over SOAP, 16 clients) to acceptance by the relay (an smtp-server in this process), with 1 and
 * with 2 spooler processes (max_threads 5 each, as KGC); p50/p99 of submit → relay per message.
 * Then the drain rate of a queue filled while no spooler ran, and the latency of one message at a
 * time (an idle spooler woken over NATS). Server and spoolers run as their
 * own processes (the built programs when present).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KgcSession, SoapClient, serviceLogon } from '@kgc/soap';
import { type SpoolerProcess, spawnSpooler } from '../../services/spooler/src/testing/process.js';
import { startTestRelay, type TestRelay } from '../../services/spooler/src/testing/relay.js';
import { createMysqlDatabase, dropMysqlDatabase, mysqlServerEnv } from '../support/server.js';
import { ROOT, spawnServer } from '../support/server-process.js';
import { message4k, percentile } from './lib.js';

const SUBMITTERS = 16;
const MESSAGES = 2_000;
const MAX_THREADS = 5;

interface Sender {
  session: KgcSession;
  email: string;
  outbox: number;
}

export async function benchSpooler(): Promise<string[]> {
  const out: string[] = [];
  const db = await createMysqlDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'kgc-bench-'));
  const secret = randomBytes(16).toString('hex');
  const prefix = `b${randomBytes(4).toString('hex')}`;
  const nats = {
    KGC_NATS_URL: 'nats://127.0.0.1:4222',
    KGC_NATS_SUBJECT_PREFIX: prefix,
    KGC_NATS_STREAM_PREFIX: prefix,
  };
  const from = existsSync(join(ROOT, 'services/server/dist/main.js')) ? 'dist' : 'source';
  const spoolerFrom = existsSync(join(ROOT, 'services/spooler/dist/main.js')) ? 'dist' : 'source';
  const server = await spawnServer({ ...mysqlServerEnv(db, dir, secret), ...nats }, 60_000, from);
  const client = new SoapClient({ url: server.url });
  const relay: TestRelay = await startTestRelay();
  const running: SpoolerProcess[] = [];
  /** Spoolers with info logging, as deployed (one line per sent message). */
  const startSpoolers = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const env = {
        KGC_SERVER_SOCKET: server.url,
        KGC_SERVICE_SECRET: secret,
        ...nats,
        KGC_SMTP_SERVER: '127.0.0.1',
        KGC_SMTP_PORT: String(relay.port),
        KGC_SMTP_HELO_NAME: `bench-${i}`,
        KGC_MAX_THREADS: String(MAX_THREADS),
        KGC_SUBMISSION_LISTEN: '',
        KGC_METRICS_LISTEN: '',
      };
      running.push(await spawnSpooler(env, spoolerFrom));
    }
  };
  const stopSpoolers = async () => {
    for (const s of running.splice(0)) await s.kill('SIGTERM');
  };
  try {
    const admin = await serviceLogon(client, secret);
    const senders: Sender[] = [];
    for (let i = 0; i < 20; i++) {
      const username = `bench${i}`;
      const email = `${username}@example.com`;
      const { user } = await admin.call('createUser', {
        user: { username, password: 'bench-pw-0123', fullName: username, email, aliases: [] },
      });
      const session = await serviceLogon(client, secret, username);
      const { folders } = await session.call('getHierarchy', { storeId: user.storeId ?? 0 });
      senders.push({ session, email, outbox: folders.find((f) => f.specialUse === 'outbox')?.folderId ?? 0 });
    }
    const raw = (tag: string, i: number, s: Sender) =>
      Buffer.concat([
        Buffer.from(`From: <${s.email}>\r\nTo: <${tag}-${i}@example.org>\r\n`),
        message4k(i).subarray(message4k(i).indexOf('Subject:')),
      ]);
    /** Submits n messages with SUBMITTERS clients; the submit time per message. */
    const submit = async (tag: string, n: number): Promise<Map<string, number>> => {
      const at = new Map<string, number>();
      let next = 0;
      await Promise.all(
        Array.from({ length: SUBMITTERS }, async () => {
          for (;;) {
            const i = next++;
            if (i >= n) return;
            const s = senders[i % senders.length] as Sender;
            const m = await s.session.call('createMessage', {
              folderId: s.outbox,
              raw: raw(tag, i, s),
              flags: [],
              props: [],
            });
            await s.session.call('submitMessage', { messageId: m.messageId });
            at.set(`${tag}-${i}@example.org`, performance.now());
          }
        }),
      );
      return at;
    };
    const arrivals = async (tag: string, n: number) => {
      for (;;) {
        const got = relay.received.filter((r) => r.to[0]?.startsWith(`${tag}-`));
        if (got.length >= n) return got;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    for (const n of [1, 2]) {
      await startSpoolers(n);
      await submit(`warm${n}`, 200);
      await arrivals(`warm${n}`, 200);
      // One message at a time: the latency of an idle spooler woken by NATS.
      const lone: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await submit(`lone${n}x${i}`, 1);
        const [r] = await arrivals(`lone${n}x${i}`, 1);
        lone.push((r?.at ?? t) - t);
      }
      lone.sort((a, b) => a - b);
      out.push(
        `one message at a time, ${n} spooler${n > 1 ? 's' : ''}: submit → relay p50 ${percentile(lone, 50).toFixed(0)} ms, p99 ${percentile(lone, 99).toFixed(0)} ms`,
      );
      const tag = `run${n}`;
      const t0 = performance.now();
      const submitted = await submit(tag, MESSAGES);
      const submitSeconds = (performance.now() - t0) / 1000;
      const got = await arrivals(tag, MESSAGES);
      const seconds = (Math.max(...got.map((r) => r.at)) - t0) / 1000;
      const lat = got.map((r) => r.at - (submitted.get(r.to[0] ?? '') ?? r.at)).sort((a, b) => a - b);
      out.push(
        `submit → relay, ${n} spooler${n > 1 ? 's' : ''} (max_threads ${MAX_THREADS}), ${SUBMITTERS} SOAP clients, 4 KB: ` +
          `${MESSAGES} messages in ${seconds.toFixed(2)} s = ${(MESSAGES / seconds).toFixed(0)} msgs/s ` +
          `(submitting alone: ${(MESSAGES / submitSeconds).toFixed(0)} msgs/s; submit → relay p50 ${percentile(lat, 50).toFixed(0)} ms, p99 ${percentile(lat, 99).toFixed(0)} ms)`,
      );
      await stopSpoolers();

      // The queue filled while no spooler ran, then drained.
      const dtag = `drain${n}`;
      await submit(dtag, MESSAGES);
      await startSpoolers(n);
      const drained = await arrivals(dtag, MESSAGES);
      const first = Math.min(...drained.map((r) => r.at));
      const last = Math.max(...drained.map((r) => r.at));
      out.push(
        `queue drain, ${n} spooler${n > 1 ? 's' : ''}: ${MESSAGES} queued messages in ${((last - first) / 1000).toFixed(2)} s = ${(MESSAGES / ((last - first) / 1000)).toFixed(0)} msgs/s`,
      );
      await stopSpoolers();
    }
    const dup = new Map<string, number>();
    for (const r of relay.received) for (const t of r.to) dup.set(t, (dup.get(t) ?? 0) + 1);
    out.push(`duplicates at the relay over the whole run: ${[...dup.values()].filter((c) => c > 1).length}`);
  } finally {
    await stopSpoolers();
    await relay.close();
    client.close();
    await server.kill();
    await dropMysqlDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
