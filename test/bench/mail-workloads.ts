/**
 * The IMAP and POP3 loads of the gateway benchmark, run the same way against any server (the
 * gateway, and Dovecot for the bar): raw sockets, one command at a time as a client sends them.
 */
import { RawClient } from '../../services/gateway/src/testing/harness.js';
import { fmt, runLoad } from './lib.js';

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

/** SELECT (cold, warm), the FETCH, SEARCH SUBJECT and BODY (first, again) and the STORE on one INBOX. */
export async function mailboxFigures(port: number, user: string, pass: string, n: number): Promise<string[]> {
  const out: string[] = [];
  const c = await imapLogin(port, user, pass);
  const [cold] = await timed(() => cmd(c, 'SELECT INBOX'));
  await cmd(c, 'UNSELECT');
  const [warm] = await timed(() => cmd(c, 'SELECT INBOX'));
  out.push(`SELECT ${n}: ${cold.toFixed(0)} ms cold, ${warm.toFixed(1)} ms warm`);
  const [fetchMs, fetched] = await timed(() => cmd(c, 'UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)'));
  out.push(
    `  UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE): ${fetchMs.toFixed(0)} ms (${(fetched.length / 1024 / 1024).toFixed(1)} MiB)`,
  );
  const [subjMs] = await timed(() => cmd(c, `UID SEARCH SUBJECT "Benchmark message ${Math.floor(n / 2)}"`));
  out.push(`  UID SEARCH SUBJECT: ${subjMs.toFixed(0)} ms (first)`);
  const [subj2] = await timed(() => cmd(c, `UID SEARCH SUBJECT "Benchmark message ${Math.floor(n / 2) + 1}"`));
  out.push(`  UID SEARCH SUBJECT again: ${subj2.toFixed(1)} ms`);
  const [bodyMs] = await timed(() => cmd(c, 'UID SEARCH BODY "nonexistentword"'));
  const [body2] = await timed(() => cmd(c, 'UID SEARCH BODY "otherword"'));
  out.push(`  UID SEARCH BODY: ${bodyMs.toFixed(0)} ms first, ${body2.toFixed(0)} ms again`);
  const [storeMs] = await timed(() => cmd(c, 'UID STORE 1:* +FLAGS.SILENT (\\Seen)'));
  out.push(`  UID STORE 1:* +FLAGS.SILENT (\\Seen): ${storeMs.toFixed(0)} ms`);
  await cmd(c, 'LOGOUT').catch(() => undefined);
  c.close();
  return out;
}

/** What Thunderbird asks for when it lists a folder it has not seen (its header fields, verbatim). */
const THUNDERBIRD_HEADERS =
  'UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)]';

/** A client's first listing of a folder nobody has read yet: SELECT, then every message's header fields. */
export async function headerSync(port: number, user: string, pass: string, n: number): Promise<string> {
  const c = await imapLogin(port, user, pass);
  await cmd(c, 'SELECT INBOX');
  const [ms, fetched] = await timed(() => cmd(c, `UID FETCH 1:* (${THUNDERBIRD_HEADERS})`));
  await cmd(c, 'LOGOUT').catch(() => undefined);
  c.close();
  return `Thunderbird's header listing of a fresh ${n}-message INBOX (UID FETCH 1:* (… BODY.PEEK[HEADER.FIELDS (14 fields)])): ${ms.toFixed(0)} ms (${(fetched.length / 1024 / 1024).toFixed(1)} MiB)`;
}

/** 200 sessions, 50 at a time: login, select, fetch 20 bodies, logout. */
export async function imapSessions(port: number, user: string, pass: string): Promise<string> {
  const sessions = await runLoad(200, 50, async () => {
    const s = await imapLogin(port, user, pass);
    await cmd(s, 'SELECT INBOX');
    await cmd(s, 'FETCH 1:20 (BODY.PEEK[])');
    s.send('z LOGOUT\r\n');
    await s.closedByServer();
  });
  return `sessions (login, select, fetch 20 bodies, logout), 50 concurrent: ${fmt(sessions, 'sessions')}`;
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
export async function pop3Session(port: number, user: string, pass: string, n: number, label = ''): Promise<string> {
  const first = await pop3SessionMs(port, user, pass, n);
  const again = await pop3SessionMs(port, user, pass, n);
  return `POP3 session over ${n} messages (STAT, LIST, UIDL, RETR each, QUIT)${label}: ${first.toFixed(0)} ms first, ${again.toFixed(0)} ms again`;
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
  await headerSync(ports.imap, user, pass, n);
  await imapSessions(ports.imap, user, pass);
  await pop3Session(ports.pop3, user, pass, n);
}
