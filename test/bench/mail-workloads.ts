/**
 * The IMAP and POP3 loads of the gateway benchmark, run the same way against any server (the
 * gateway, and Dovecot for the bar): raw sockets, one command at a time as a client sends them.
 */
import { RawClient } from '../../services/gateway/src/testing/harness.js';
import { type LoadResult, runLoad } from './lib.js';

export async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

let tagN = 0;
export async function cmd(c: RawClient, command: string): Promise<string> {
  const tag = `b${++tagN}`;
  c.send(`${tag} ${command}\r\n`);
  const out = await c.until(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n$`), 1024);
  if (!new RegExp(`(^|\\r\\n)${tag} OK`).test(out)) throw new Error(`${command}: ${out.slice(-200)}`);
  return out;
}

export async function imapLogin(port: number, user: string, pass: string): Promise<RawClient> {
  const c = await RawClient.connect(port);
  await c.until(/\r\n/);
  await cmd(c, `LOGIN ${user} ${pass}`);
  return c;
}

/** The figures of one INBOX (ms). */
export interface MailboxFigures {
  selectCold: number;
  selectWarm: number;
  fetch: number;
  fetchMiB: number;
  subjectFirst: number;
  subjectAgain: number;
  bodyFirst: number;
  bodyAgain: number;
  store: number;
}

/** SELECT (cold, warm), the FETCH, SEARCH SUBJECT and BODY (first, again) and the STORE on one INBOX. */
export async function mailboxFigures(port: number, user: string, pass: string, n: number): Promise<MailboxFigures> {
  const c = await imapLogin(port, user, pass);
  const [selectCold] = await timed(() => cmd(c, 'SELECT INBOX'));
  await cmd(c, 'UNSELECT');
  const [selectWarm] = await timed(() => cmd(c, 'SELECT INBOX'));
  const [fetch, fetched] = await timed(() => cmd(c, 'UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)'));
  const [subjectFirst] = await timed(() => cmd(c, `UID SEARCH SUBJECT "Benchmark message ${Math.floor(n / 2)}"`));
  const [subjectAgain] = await timed(() => cmd(c, `UID SEARCH SUBJECT "Benchmark message ${Math.floor(n / 2) + 1}"`));
  const [bodyFirst] = await timed(() => cmd(c, 'UID SEARCH BODY "nonexistentword"'));
  const [bodyAgain] = await timed(() => cmd(c, 'UID SEARCH BODY "otherword"'));
  const [store] = await timed(() => cmd(c, 'UID STORE 1:* +FLAGS.SILENT (\\Seen)'));
  await cmd(c, 'LOGOUT').catch(() => undefined);
  c.close();
  const fetchMiB = fetched.length / 1024 / 1024;
  return { selectCold, selectWarm, fetch, fetchMiB, subjectFirst, subjectAgain, bodyFirst, bodyAgain, store };
}

/** What {@link MailboxFigures} measure, in words, with a formatter for one run's value. */
export const MAILBOX_LINES: ReadonlyArray<[keyof MailboxFigures, string]> = [
  ['selectCold', 'SELECT, cold'],
  ['selectWarm', 'SELECT, warm'],
  ['fetch', 'UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)'],
  ['subjectFirst', 'UID SEARCH SUBJECT, first'],
  ['subjectAgain', 'UID SEARCH SUBJECT, again'],
  ['bodyFirst', 'UID SEARCH BODY, first'],
  ['bodyAgain', 'UID SEARCH BODY, again'],
  ['store', 'UID STORE 1:* +FLAGS.SILENT (\\Seen)'],
];

/** One run's figures as lines. */
export function mailboxLines(n: number, f: MailboxFigures): string[] {
  return [
    `SELECT ${n}: ${f.selectCold.toFixed(0)} ms cold, ${f.selectWarm.toFixed(1)} ms warm`,
    `  UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE): ${f.fetch.toFixed(0)} ms (${f.fetchMiB.toFixed(1)} MiB)`,
    `  UID SEARCH SUBJECT: ${f.subjectFirst.toFixed(0)} ms first, ${f.subjectAgain.toFixed(1)} ms again`,
    `  UID SEARCH BODY: ${f.bodyFirst.toFixed(0)} ms first, ${f.bodyAgain.toFixed(0)} ms again`,
    `  UID STORE 1:* +FLAGS.SILENT (\\Seen): ${f.store.toFixed(0)} ms`,
  ];
}

/** What Thunderbird asks for when it lists a folder it has not seen (its header fields, verbatim). */
const THUNDERBIRD_HEADERS =
  'UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)]';

export const HEADER_SYNC =
  "Thunderbird's header listing of a fresh INBOX (UID FETCH 1:* (… BODY.PEEK[HEADER.FIELDS (14 fields)]))";

/** A client's first listing of a folder nobody has read yet: SELECT, then every message's header fields (ms). */
export async function headerSync(port: number, user: string, pass: string): Promise<number> {
  const c = await imapLogin(port, user, pass);
  await cmd(c, 'SELECT INBOX');
  const [ms] = await timed(() => cmd(c, `UID FETCH 1:* (${THUNDERBIRD_HEADERS})`));
  await cmd(c, 'LOGOUT').catch(() => undefined);
  c.close();
  return ms;
}

export const IMAP_SESSIONS = 'sessions (login, select, fetch 20 bodies, logout), 50 concurrent';

/** 200 sessions, 50 at a time: login, select, fetch 20 bodies, logout. */
export async function imapSessions(port: number, user: string, pass: string): Promise<LoadResult> {
  const sessions = await runLoad(200, 50, async () => {
    const s = await imapLogin(port, user, pass);
    await cmd(s, 'SELECT INBOX');
    await cmd(s, 'FETCH 1:20 (BODY.PEEK[])');
    s.send('z LOGOUT\r\n');
    await s.closedByServer();
  });
  return sessions;
}

/** One POP3 session: USER/PASS, STAT, LIST, UIDL, RETR of every message in turn, QUIT. */
async function pop3SessionMs(port: number, user: string, pass: string, n: number): Promise<number> {
  const [ms] = await timed(async () => {
    const p = await RawClient.connect(port);
    await p.until(/\r\n/);
    p.send(`USER ${user}\r\nPASS ${pass}\r\nSTAT\r\nLIST\r\nUIDL\r\n`);
    await p.until(/\+OK Logged in\.\r\n\+OK \d+ \d+\r\n[\s\S]*?\r\n\.\r\n[\s\S]*?\r\n\.\r\n$/);
    for (let i = 1; i <= n; i++) {
      p.send(`RETR ${i}\r\n`);
      await p.until(/\r\n\.\r\n$/, 16);
    }
    p.send('QUIT\r\n');
    await p.closedByServer();
  });
  return ms;
}

/**
 * A user's first POP3 session (its password verified from the hash, nothing of the mailbox in
 * memory), then the next one (a client polling again: within the servers' caches, if they keep any).
 */
export async function pop3Session(
  port: number,
  user: string,
  pass: string,
  n: number,
): Promise<{ first: number; again: number }> {
  const first = await pop3SessionMs(port, user, pass, n);
  const again = await pop3SessionMs(port, user, pass, n);
  return { first, again };
}

export function pop3Line(n: number, label: string, r: { first: number; again: number }): string {
  return `POP3 session over ${n} messages (STAT, LIST, UIDL, RETR each, QUIT)${label}: ${r.first.toFixed(0)} ms first, ${r.again.toFixed(0)} ms again`;
}

/**
 * Every load above once, on a mailbox of its own whose figures are dropped: the code paths are then
 * compiled (V8) and the measured mailboxes, which nothing has read yet, are what is cold, as on a
 * server that has been running for a while. Dovecot gets the same run.
 */
export async function warmUp(
  ports: { imap: number; pop3: number },
  user: string,
  pass: string,
  n: number,
): Promise<void> {
  await mailboxFigures(ports.imap, user, pass, n);
  await headerSync(ports.imap, user, pass);
  await imapSessions(ports.imap, user, pass);
  await pop3Session(ports.pop3, user, pass, n);
}
