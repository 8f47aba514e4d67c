/**
 * Shared by the server end-to-end suites: the engines every suite runs on, unique users with a
 * logged-on session, raw RFC 5322 builders and an exact fault-code assertion.
 */
import { randomBytes } from 'node:crypto';
import { type KcErrorCode, KgcSession, type Output, userLogon } from '@kgc/soap';
import { describe, expect } from 'vitest';
import type { TestServer } from '../support/server.js';

/** Every suite runs on both; a MariaDB that is down fails the mysql half (the harness cannot create its database). */
export const ENGINES = ['sqlite', 'mysql'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * `describe.each(ENGINES)` with the two engines' suites running side by side, each with its own
 * server. Within one engine the tests run in order, or, with `{ independent: true }` (for suites whose
 * tests share nothing they change), side by side as well. Most of the time is waiting on HTTP round
 * trips and the databases, and password hashing runs on libuv threads: this divides the wall time.
 */
export function describeEngines(name: string, body: (engine: Engine) => void): void;
export function describeEngines(name: string, opts: { independent?: boolean }, body: (engine: Engine) => void): void;
export function describeEngines(
  name: string,
  a: { independent?: boolean } | ((engine: Engine) => void),
  b?: (engine: Engine) => void,
): void {
  const opts = typeof a === 'function' ? {} : a;
  const body = typeof a === 'function' ? a : b;
  if (!body) throw new Error('describeEngines needs a body');
  describe.concurrent(name, () => {
    describe.each(ENGINES)('%s', (engine) => {
      if (opts.independent) describe.concurrent('side by side', () => body(engine));
      else describe.sequential('in order', () => body(engine));
    });
  });
}

export type FolderOut = Output<'getHierarchy'>['folders'][number];
export type UserOut = Output<'getUser'>['user'];
export type Role =
  | 'inbox'
  | 'outbox'
  | 'sent'
  | 'trash'
  | 'drafts'
  | 'junk'
  | 'calendar'
  | 'contacts'
  | 'tasks'
  | 'notes';

/** A name no other test (or earlier run on the same database) uses. */
export function uniq(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export interface TestUser {
  username: string;
  password: string;
  email: string;
  userId: number;
  storeId: number;
  user: UserOut;
  session: KgcSession;
  folders: FolderOut[];
  /** The folder id of a default folder. */
  folder(role: Role): number;
}

export interface NewUserOptions {
  isAdmin?: boolean;
  aliases?: string[];
  fullName?: string;
  /**
   * How the user's session is opened: a password logon, or (default, no password hash verified: the suites
   * stay fast) a service logon impersonating the user, which has exactly the user's rights.
   */
  logon?: 'password' | 'impersonate';
}

/** A user session through service impersonation; unlike serviceLogon() it never logs on again by itself. */
export async function impersonate(t: TestServer, username: string): Promise<KgcSession> {
  const r = await t.client.call('serviceLogon', { secret: t.secret, impersonate: username });
  return new KgcSession(t.client, r.sessionId);
}

/** Creates a db user through `admin` (a service or admin session) and opens a session for it. */
export async function newUser(t: TestServer, admin: KgcSession, opts: NewUserOptions = {}): Promise<TestUser> {
  const username = uniq('u');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const email = `${username}@example.com`;
  const { user } = await admin.call('createUser', {
    user: {
      username,
      password,
      email,
      fullName: opts.fullName ?? `User ${username}`,
      isAdmin: opts.isAdmin ?? false,
      aliases: opts.aliases ?? [],
    },
  });
  const storeId = user.storeId ?? 0;
  const session =
    opts.logon === 'password' ? await userLogon(t.client, username, password) : await impersonate(t, username);
  const { folders } = await session.call('getHierarchy', { storeId });
  return {
    username,
    password,
    email,
    userId: user.userId,
    storeId,
    user,
    session,
    folders,
    folder(role: Role): number {
      const f = folders.find((x) => x.specialUse === role);
      if (!f) throw new Error(`no ${role} folder`);
      return f.folderId;
    },
  };
}

/** Rejects with a KcError of exactly this code. */
export async function expectCode(p: Promise<unknown>, code: KcErrorCode): Promise<void> {
  await expect(p).rejects.toMatchObject({ name: 'KcError', code });
}

export interface MailOptions {
  subject?: string;
  from?: string;
  to?: string;
  cc?: string;
  date?: string;
  messageId?: string;
  body?: string;
  /** Extra header lines, without CRLF. */
  headers?: string[];
}

/** A small text/plain RFC 5322 message with CRLF line ends. */
export function mail(o: MailOptions = {}): Buffer {
  const lines = [
    `From: ${o.from ?? 'Sender <sender@example.net>'}`,
    `To: ${o.to ?? 'rcpt@example.com'}`,
    ...(o.cc ? [`Cc: ${o.cc}`] : []),
    `Subject: ${o.subject ?? 'test'}`,
    `Date: ${o.date ?? 'Tue, 03 Feb 2026 10:00:00 +0000'}`,
    `Message-ID: ${o.messageId ?? `<${randomBytes(6).toString('hex')}@example.net>`}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(o.headers ?? []),
    '',
    o.body ?? 'hello',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Stores a raw message in a folder; the message id and uid. */
export async function put(
  s: KgcSession,
  folderId: number,
  raw: Buffer,
  flags: string[] = [],
  internalDate?: Date,
): Promise<Output<'createMessage'>> {
  return s.call('createMessage', { folderId, raw, flags, props: [], ...(internalDate ? { internalDate } : {}) });
}

export async function folderStatus(s: KgcSession, folderId: number): Promise<FolderOut> {
  return (await s.call('getFolderStatus', { folderId })).folder;
}

/** Several users at once (their password hashes are computed in parallel). */
export function newUsers(t: TestServer, admin: KgcSession, n: number, opts: NewUserOptions = {}): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: n }, () => newUser(t, admin, opts)));
}
