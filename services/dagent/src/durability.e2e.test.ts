/**
 * Durability: the server process is SIGKILLed during a stream of deliveries and restarted on the
 * same data. Every recipient that got 250 has the message exactly once; every recipient that got
 * a 4xx (or no reply at all) is retried with the same bytes, as an MTA would, and then also has it
 * exactly once: nothing is lost, nothing is stored twice.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KgcSession, SoapClient, serviceLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from '../../../test/support/server-process.js';
import { createStoreUser, type DagentUnderTest, folderOf, type StoreUser, startTestDagent } from './testing/harness.js';
import { lmtpTransaction, RawLmtp } from './testing/lmtp-clients.js';

const SECRET = 'durability-secret-0123456789';
let dir: string;
let socket: string;
let server: ServerProcess;
let lmtp: DagentUnderTest;

function serverEnv(): Record<string, string> {
  return {
    KGC_SERVER_LISTEN: `unix:${socket}`,
    KGC_DATABASE_ENGINE: 'sqlite',
    KGC_SQLITE_PATH: join(dir, 'kgc.db'),
    KGC_ATTACHMENT_STORAGE: 'files',
    KGC_ATTACHMENT_PATH: join(dir, 'attachments'),
    KGC_SERVICE_SECRET: SECRET,
  };
}

async function startServer(): Promise<void> {
  rmSync(socket, { force: true });
  server = await spawnServer(serverEnv());
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kgc-durability-'));
  socket = join(dir, 'server.sock');
  await startServer();
  lmtp = await startTestDagent(`file://${socket}`, SECRET, { KGC_SERVER_TIMEOUT: '10s' });
}, 60_000);

afterAll(async () => {
  await lmtp?.close();
  await server?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Sent {
  id: string;
  raw: Buffer;
  /** Recipient address → last reply code (0: none, the connection broke). */
  codes: Map<string, number>;
}

function message(id: string): Buffer {
  return Buffer.from(
    `From: stream@example.net\r\nSubject: durability ${id}\r\nMessage-ID: <${id}@example.net>\r\n\r\n` +
      `${randomBytes(600).toString('base64')}\r\n`,
  );
}

/** Sends (or resends) a message to recipients on a connection; a broken connection leaves code 0. */
async function attempt(c: RawLmtp, m: Sent, rcpts: string[]): Promise<void> {
  try {
    const codes = await lmtpTransaction(c, 'stream@example.net', rcpts, m.raw);
    for (const [i, r] of rcpts.entries()) m.codes.set(r, codes[i] ?? 0);
  } catch {
    for (const r of rcpts) m.codes.set(r, 0);
    throw new Error('connection broken');
  }
}

async function connect(): Promise<RawLmtp> {
  const c = await RawLmtp.connect(lmtp.port);
  await c.reply();
  await c.command('LHLO mta.test');
  return c;
}

async function messageIdsIn(admin: KgcSession, u: StoreUser): Promise<string[]> {
  const { rows } = await admin.call('tableQueryRows', {
    folderId: folderOf(u, 'inbox'),
    columns: ['messageIdHeader'],
    sort: [],
  });
  return rows.map((r) => r.messageIdHeader ?? '');
}

describe('the server killed during a stream of deliveries', () => {
  it('every 250 is stored exactly once; every 4xx, retried, exactly once', async () => {
    let client = new SoapClient({ url: `file://${socket}` });
    let admin = await serviceLogon(client, SECRET);
    const users = await Promise.all(Array.from({ length: 5 }, () => createStoreUser(admin)));
    client.close();

    const sent: Sent[] = [];
    let stop = false;
    let delivered = 0;
    const stream = async (n: number) => {
      let c = await connect();
      for (let i = 0; !stop; i++) {
        const id = `s${n}-${i}-${randomBytes(3).toString('hex')}`;
        const m: Sent = { id, raw: message(id), codes: new Map() };
        sent.push(m);
        const rcpts = [users[(n + i) % 5]?.email ?? '', users[(n + i + 2) % 5]?.email ?? ''];
        try {
          await attempt(c, m, rcpts);
          delivered += [...m.codes.values()].filter((x) => x === 250).length;
        } catch {
          c.close();
          c = await connect();
        }
        // An MTA defers what failed instead of hammering the server while it is down.
        if ([...m.codes.values()].some((x) => x !== 250)) await new Promise((r) => setTimeout(r, 100));
      }
      c.close();
    };
    const streams = Promise.all([0, 1, 2, 3].map(stream));
    // Kill while deliveries are in flight, restart, let the stream run on the restarted server.
    await expect.poll(() => delivered, { timeout: 20_000, interval: 20 }).toBeGreaterThan(60);
    await server.kill('SIGKILL');
    const killedAt = delivered;
    await new Promise((r) => setTimeout(r, 500));
    await startServer();
    await expect.poll(() => delivered, { timeout: 20_000, interval: 50 }).toBeGreaterThan(killedAt + 40);
    stop = true;
    await streams;

    const codes = sent.flatMap((m) => [...m.codes.values()]);
    expect(codes.every((code) => code === 0 || code === 250 || (code >= 400 && code < 500))).toBe(true);
    const failed = sent.filter((m) => [...m.codes.values()].some((x) => x !== 250));
    expect(failed.length).toBeGreaterThan(0);

    // The MTA's retries: the same bytes to the recipients that did not get 250, over 4 connections.
    const queue = [...failed];
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const c = await connect();
        for (let m = queue.pop(); m !== undefined; m = queue.pop()) {
          const sent = m;
          for (let tries = 0; [...sent.codes.values()].some((x) => x !== 250); tries++) {
            expect(tries).toBeLessThan(5);
            await attempt(
              c,
              sent,
              [...sent.codes].filter(([, code]) => code !== 250).map(([r]) => r),
            );
          }
        }
        c.close();
      }),
    );

    client = new SoapClient({ url: `file://${socket}` });
    admin = await serviceLogon(client, SECRET);
    for (const u of users) {
      const ids = await messageIdsIn(admin, u);
      const expected = sent.filter((m) => m.codes.has(u.email)).map((m) => `<${m.id}@example.net>`);
      expect(ids.length).toBe(new Set(ids).size);
      expect(new Set(ids)).toEqual(new Set(expected));
    }
    client.close();
  }, 90_000);
});
