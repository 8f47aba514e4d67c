/**
 * Test harness of the dagent suites: a dagent in-process against a test server (port 0 for LMTP
 * and metrics), users with stores, and fetching stored messages back through SOAP.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@kgc/config';
import { createLogger } from '@kgc/log';
import type { KgcSession } from '@kgc/soap';
import { type DagentConfig, dagentConfig } from '../config.js';
import { type RunningDagent, startDagent } from '../dagent.js';

export interface DagentUnderTest {
  dagent: RunningDagent;
  config: DagentConfig;
  port: number;
  metricsUrl: string;
  close(): Promise<void>;
}

/** A dagent talking to `serverUrl` with `secret`; `settings` are extra dagent.cfg keys as KGC_<KEY>. */
export async function startTestDagent(
  serverUrl: string,
  secret: string,
  settings: Record<string, string> = {},
): Promise<DagentUnderTest> {
  const config = loadConfig(dagentConfig, {
    env: {
      KGC_LMTP_LISTEN: '127.0.0.1:0',
      KGC_METRICS_LISTEN: '127.0.0.1:0',
      KGC_SERVER_SOCKET: serverUrl,
      KGC_SERVICE_SECRET: secret,
      KGC_LMTP_HOSTNAME: 'lmtp.test',
      KGC_LOG_LEVEL: process.env.KGC_TEST_LOG_LEVEL ?? 'silent',
      ...settings,
    },
  });
  const log = createLogger({ service: 'dagent', level: config.log_level });
  const dagent = await startDagent({ config, log, processMetrics: false });
  const first = dagent.lmtp[0];
  if (!first || !('port' in first)) throw new Error('no TCP listener');
  return {
    dagent,
    config,
    port: first.port,
    metricsUrl: `http://127.0.0.1:${dagent.metricsPort}`,
    close: () => dagent.close(),
  };
}

export interface StoreUser {
  username: string;
  email: string;
  userId: number;
  storeId: number;
  folders: Map<string, number>;
}

export function uniq(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** A user with an email address (and aliases), the ids of its default folders by special use. */
export async function createStoreUser(admin: KgcSession, aliases: string[] = []): Promise<StoreUser> {
  const username = uniq('u');
  const email = `${username}@example.com`;
  const { user } = await admin.call('createUser', {
    user: { username, password: 'pw-0123456789', fullName: username, email, aliases },
  });
  if (user.storeId === undefined) throw new Error('user without store');
  const { folders } = await admin.call('getHierarchy', { storeId: user.storeId });
  const map = new Map<string, number>();
  for (const f of folders) map.set(f.specialUse ?? f.name, f.folderId);
  return { username, email, userId: user.userId, storeId: user.storeId, folders: map };
}

export function folderOf(u: StoreUser, role: string): number {
  const id = u.folders.get(role);
  if (id === undefined) throw new Error(`${u.username} has no ${role}`);
  return id;
}

/** Every message in a folder, with its raw bytes. */
export async function messagesIn(admin: KgcSession, folderId: number): Promise<Array<{ id: number; raw: Buffer }>> {
  const { rows } = await admin.call('tableQueryRows', { folderId, columns: ['uid'], sort: [] });
  const out: Array<{ id: number; raw: Buffer }> = [];
  for (const r of rows) {
    const { message } = await admin.call('loadObject', { messageId: r.messageId, withRaw: true, sections: [] });
    out.push({ id: r.messageId, raw: message.raw ?? Buffer.alloc(0) });
  }
  return out;
}

/** The count of messages per folder of a user. */
export async function countIn(admin: KgcSession, folderId: number): Promise<number> {
  const { total } = await admin.call('tableQueryRows', { folderId, columns: ['uid'], sort: [], limit: 0 });
  return total;
}

/** A plain RFC 5322 message (CRLF) with a unique Message-ID. */
export function makeMessage(opts: { subject?: string; headers?: string[]; body?: string } = {}): Buffer {
  const id = randomBytes(8).toString('hex');
  const head = [
    'From: Sender <sender@example.net>',
    'To: Someone <someone@example.com>',
    `Subject: ${opts.subject ?? `test ${id}`}`,
    'Date: Mon, 04 Mar 2024 13:32:00 +0100',
    `Message-ID: <${id}@example.net>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(opts.headers ?? []),
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${opts.body ?? 'Hello.\r\n'}`, 'utf8');
}

/** The stored bytes are the trace headers the dagent prepends, then exactly the received bytes. */
export function splitStored(stored: Buffer, received: Buffer): { trace: string; tail: Buffer } {
  const tail = stored.subarray(stored.length - received.length);
  return { trace: stored.subarray(0, stored.length - received.length).toString('utf8'), tail };
}
