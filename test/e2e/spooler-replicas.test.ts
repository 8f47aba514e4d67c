/**
 * Two kgc-spooler processes, one kgc-server process, one MariaDB, the real NATS, one recording
 * relay: 500 submitted messages each reach the relay once. Then the same with one spooler
 * SIGKILLed mid-run: nothing is lost; a duplicate is possible only for a message the relay had
 * accepted (250 after DATA) but whose finishedMessages commit had not happened when the process
 * died (at most two server round trips per message), so at most max_threads of them; the count is
 * reported.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KgcSession, SoapClient, serviceLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpoolerProcess, spawnSpooler } from '../../services/spooler/src/testing/process.js';
import { startTestRelay, type TestRelay } from '../../services/spooler/src/testing/relay.js';
import { createMysqlDatabase, dropMysqlDatabase, mysqlServerEnv } from '../support/server.js';
import { type ServerProcess, spawnServer } from '../support/server-process.js';

const MESSAGES = 500;
const MAX_THREADS = 5;

describe('two spoolers on one server, MariaDB and NATS', () => {
  const secret = `s-${randomBytes(12).toString('hex')}`;
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let dataDir: string;
  let database: string;
  let server: ServerProcess;
  let client: SoapClient;
  let admin: KgcSession;
  let relay: TestRelay;
  const spoolers: SpoolerProcess[] = [];
  const users: Array<{ username: string; email: string; session: KgcSession; outbox: number; sent: number }> = [];

  const spoolerEnv = (name: string): Record<string, string> => ({
    KGC_SERVER_SOCKET: server.url,
    KGC_SERVICE_SECRET: secret,
    KGC_NATS_URL: 'nats://127.0.0.1:4222',
    KGC_NATS_SUBJECT_PREFIX: prefix,
    KGC_NATS_STREAM_PREFIX: prefix,
    KGC_SMTP_SERVER: '127.0.0.1',
    KGC_SMTP_PORT: String(relay.port),
    KGC_SMTP_HELO_NAME: name,
    KGC_MAX_THREADS: String(MAX_THREADS),
    KGC_QUEUE_LEASE_TIME: '3s',
    KGC_QUEUE_RESCAN_INTERVAL: '2s',
    KGC_RETRY_DELAY: '0',
    KGC_RETRY_MAX_DELAY: '0',
    KGC_SUBMISSION_LISTEN: '',
    KGC_METRICS_LISTEN: '',
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kgc-spoolers-'));
    database = await createMysqlDatabase();
    server = await spawnServer({
      ...mysqlServerEnv(database, dataDir, secret),
      KGC_NATS_URL: 'nats://127.0.0.1:4222',
      KGC_NATS_SUBJECT_PREFIX: prefix,
      KGC_NATS_STREAM_PREFIX: prefix,
    });
    client = new SoapClient({ url: server.url });
    admin = await serviceLogon(client, secret);
    relay = await startTestRelay();
    for (let i = 0; i < 4; i++) {
      const username = `u${prefix}${i}`;
      const email = `${username}@example.com`;
      const { user } = await admin.call('createUser', {
        user: { username, password: 'pw-123456', email, aliases: [] },
      });
      const session = await serviceLogon(client, secret, username);
      const { folders } = await session.call('getHierarchy', { storeId: user.storeId ?? 0 });
      const id = (role: string) => folders.find((f) => f.specialUse === role)?.folderId ?? 0;
      users.push({ username, email, session, outbox: id('outbox'), sent: id('sent') });
    }
    for (const name of ['spooler-a', 'spooler-b']) spoolers.push(await spawnSpooler(spoolerEnv(name)));
  }, 120_000);

  afterAll(async () => {
    for (const s of spoolers) await s.kill('SIGKILL');
    await relay?.close();
    client?.close();
    await server?.kill();
    if (database) await dropMysqlDatabase(database);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Submits `n` messages (4 users, 16 at a time), each to its own recipient `<tag>-<i>@example.org`. */
  async function submitAll(tag: string, n: number, onEach?: (done: number) => Promise<void>): Promise<string[]> {
    const rcpts = Array.from({ length: n }, (_, i) => `${tag}-${i}@example.org`);
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= n) return;
          const u = users[i % users.length];
          if (!u) return;
          const raw = Buffer.from(
            `From: <${u.email}>\r\nTo: <${rcpts[i]}>\r\nSubject: ${tag} ${i}\r\nMessage-ID: <${tag}.${i}@example.com>\r\n\r\nmessage ${i}\r\n`,
          );
          const m = await u.session.call('createMessage', { folderId: u.outbox, raw, flags: [], props: [] });
          await u.session.call('submitMessage', { messageId: m.messageId });
          done++;
          await onEach?.(done);
        }
      }),
    );
    return rcpts;
  }

  async function drained(): Promise<void> {
    for (;;) {
      if ((await admin.call('getQueueStatus', {})).entries === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const arrivals = (rcpts: readonly string[]) => {
    const count = new Map<string, number>(rcpts.map((r) => [r, 0]));
    for (const r of relay.received) for (const t of r.to) if (count.has(t)) count.set(t, (count.get(t) ?? 0) + 1);
    return count;
  };

  it(`${MESSAGES} messages: each reaches the relay exactly once, both spoolers send, all in Sent Items`, async () => {
    const rcpts = await submitAll('once', MESSAGES);
    await drained();
    const count = arrivals(rcpts);
    expect([...count.values()].filter((c) => c !== 1)).toEqual([]);
    const helos = new Set(relay.received.filter((r) => r.to[0]?.startsWith('once-')).map((r) => r.helo));
    expect(helos).toEqual(new Set(['spooler-a', 'spooler-b']));
    let sent = 0;
    for (const u of users) sent += (await u.session.call('getFolderStatus', { folderId: u.sent })).folder.messages;
    expect(sent).toBe(MESSAGES);
  }, 240_000);

  it(`${MESSAGES} messages with one spooler SIGKILLed mid-run: none lost, duplicates only in the commit window`, async () => {
    let killed = false;
    const rcpts = await submitAll('kill', MESSAGES, async () => {
      const arrived = relay.received.filter((r) => r.to[0]?.startsWith('kill-')).length;
      if (!killed && arrived >= MESSAGES / 4) {
        killed = true;
        await spoolers[0]?.kill('SIGKILL');
      }
    });
    if (!killed) await spoolers[0]?.kill('SIGKILL');
    await drained();
    const count = arrivals(rcpts);
    const lost = [...count].filter(([, c]) => c === 0).map(([r]) => r);
    const duplicates = [...count.values()].filter((c) => c > 1).length;
    process.stdout.write(`spooler SIGKILL run: ${MESSAGES} messages, ${lost.length} lost, ${duplicates} duplicated\n`);
    expect(lost).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(MAX_THREADS);
  }, 240_000);
});
