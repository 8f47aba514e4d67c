/**
 * Test harness of the spooler suites: a spooler in-process against a test server and a test
 * relay (port 0 everywhere, fast rescans and retries), users with stores, and messages put into
 * the Outbox and submitted the way WebApp / Z-Push do (createMessage + submitMessage).
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@kgc/config';
import { createLogger } from '@kgc/log';
import { type KgcSession, SoapClient, serviceLogon } from '@kgc/soap';
import { type SpoolerConfig, spoolerConfig } from '../config.js';
import { type RunningSpooler, startSpooler } from '../spooler.js';

export interface SpoolerUnderTest {
  spooler: RunningSpooler;
  config: SpoolerConfig;
  metricsUrl: string;
  /** Port of the first submission listener, if any. */
  submissionPort: number;
  close(): Promise<void>;
}

/** A spooler for `serverUrl`, relaying to 127.0.0.1:`relayPort`; `settings` are extra spooler.cfg keys as KGC_<KEY>. */
export async function startTestSpooler(
  serverUrl: string,
  secret: string,
  relayPort: number,
  settings: Record<string, string> = {},
): Promise<SpoolerUnderTest> {
  const config = loadConfig(spoolerConfig, {
    env: {
      KGC_SERVER_SOCKET: serverUrl,
      KGC_SERVICE_SECRET: secret,
      KGC_SMTP_SERVER: '127.0.0.1',
      KGC_SMTP_PORT: String(relayPort),
      KGC_SMTP_HELO_NAME: 'spooler.test',
      KGC_SMTP_TIMEOUT: '10s',
      KGC_QUEUE_RESCAN_INTERVAL: '500ms',
      KGC_RETRY_DELAY: '0',
      KGC_RETRY_MAX_DELAY: '0',
      KGC_SUBMISSION_LISTEN: '',
      KGC_METRICS_LISTEN: '127.0.0.1:0',
      KGC_LOG_LEVEL: process.env.KGC_TEST_LOG_LEVEL ?? 'silent',
      ...settings,
    },
  });
  const log = createLogger({ service: 'spooler', level: config.log_level });
  const spooler = await startSpooler({ config, log, processMetrics: false });
  const first = spooler.submission[0];
  return {
    spooler,
    config,
    metricsUrl: `http://127.0.0.1:${spooler.metricsPort}`,
    submissionPort: first && 'port' in first ? first.port : 0,
    close: () => spooler.close(),
  };
}

export function uniq(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export interface MailUser {
  username: string;
  password: string;
  email: string;
  userId: number;
  storeId: number;
  /** A session of the user (service impersonation: exactly the user's rights). */
  session: KgcSession;
  folder(role: string): number;
}

/** A user with an email address (and aliases) and a session of their own. */
export async function createMailUser(
  serverUrl: string,
  secret: string,
  admin: KgcSession,
  aliases: string[] = [],
): Promise<MailUser> {
  const username = uniq('u');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const email = `${username}@example.com`;
  const { user } = await admin.call('createUser', {
    user: { username, password, fullName: `User ${username}`, email, aliases },
  });
  const storeId = user.storeId ?? 0;
  const client = new SoapClient({ url: serverUrl });
  const session = await serviceLogon(client, secret, username);
  const { folders } = await session.call('getHierarchy', { storeId });
  return {
    username,
    password,
    email,
    userId: user.userId,
    storeId,
    session,
    folder(role: string) {
      const f = folders.find((x) => x.specialUse === role);
      if (!f) throw new Error(`no ${role} folder`);
      return f.folderId;
    },
  };
}

export interface MailOptions {
  from?: string;
  to?: string;
  cc?: string;
  bcc?: string;
  subject?: string;
  date?: string | null;
  messageId?: string | null;
  body?: string;
}

/** A text/plain message (CRLF); `date: null` / `messageId: null` leave those fields out. */
export function mail(o: MailOptions = {}): Buffer {
  const lines = [
    ...(o.from ? [`From: ${o.from}`] : []),
    ...(o.to ? [`To: ${o.to}`] : []),
    ...(o.cc ? [`Cc: ${o.cc}`] : []),
    ...(o.bcc ? [`Bcc: ${o.bcc}`] : []),
    `Subject: ${o.subject ?? uniq('subject ')}`,
    ...(o.date === null ? [] : [`Date: ${o.date ?? 'Tue, 03 Feb 2026 10:00:00 +0000'}`]),
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? `<${uniq('m')}@example.com>`}`]),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? 'hello',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Puts the message into the user's Outbox and submits it; the message and queue ids. */
export async function submit(
  u: MailUser,
  raw: Buffer,
  opts: { deleteAfterSubmit?: boolean; deferredUntil?: Date } = {},
): Promise<{ messageId: number; queueId: number }> {
  const m = await u.session.call('createMessage', { folderId: u.folder('outbox'), raw, flags: [], props: [] });
  const { queueId } = await u.session.call('submitMessage', { messageId: m.messageId, ...opts });
  return { messageId: m.messageId, queueId };
}

/** The messages of a folder with their raw bytes, through the user's session. */
export async function messagesIn(u: MailUser, role: string): Promise<Array<{ id: number; raw: Buffer }>> {
  const { rows } = await u.session.call('tableQueryRows', { folderId: u.folder(role), columns: ['uid'], sort: [] });
  const out: Array<{ id: number; raw: Buffer }> = [];
  for (const r of rows) {
    const { message } = await u.session.call('loadObject', { messageId: r.messageId, withRaw: true, sections: [] });
    out.push({ id: r.messageId, raw: message.raw ?? Buffer.alloc(0) });
  }
  return out;
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
