/**
 * The gateway beside the bar (issue 4): our server and gateway (MariaDB) and Debian's Dovecot 2.3
 * (maildir) run at once on this machine and get the same IMAP and POP3 loads (mail-workloads.ts) on
 * 2,000-message INBOXes, as the issue measured Dovecot. This machine's speed drifts by tens of
 * percent within a minute, so the two take turns: ROUNDS rounds, each on fresh mailboxes of both,
 * the one going first alternating; every figure is the median of its rounds, with their range.
 * "First" figures are a mailbox's first read after it was filled (every load ran once before on a
 * mailbox of its own: compiled code, cold mailboxes).
 */
import { dovecotMissing, startDovecot } from './dovecot.bench.js';
import { startOurs } from './gateway-imap.bench.js';
import {
  HEADER_SYNC,
  headerSync,
  IMAP_SESSIONS,
  imapSessions,
  MAILBOX_LINES,
  type MailboxFigures,
  mailboxFigures,
  pop3Session,
  warmUp,
} from './mail-workloads.js';

/** A figure's rounds spread up to 2x on this machine: 9 of them make its median a steadier estimate than 5. */
const ROUNDS = 9;
const IMAP_MESSAGES = 2_000;
const POP3_MESSAGES = 1_000;

/** One server's figures of one round. */
interface Round {
  mailbox: MailboxFigures;
  headerSync: number;
  sessionsPerSecond: number;
  pop3: { first: number; again: number };
  /** Dovecot: a POP3 user with an Argon2id hash of our parameters (the same work as ours). */
  pop3Argon?: { first: number; again: number };
}

interface Side {
  name: string;
  imap: number;
  pop3: number;
  pass: string;
  rounds: Round[];
}

const names = (r: number) => ({ imap: `imap2k${r}`, hdr: `hdr2k${r}`, pop: `pop${r}`, argon: `popargon${r}` });

function summary(values: readonly number[], unit: string, digits: number): string {
  const v = [...values].sort((a, b) => a - b);
  const med = v[Math.floor(v.length / 2)] ?? 0;
  const f = (x: number) => x.toFixed(digits);
  return `${f(med)} ${unit} (${f(v[0] ?? 0)}–${f(v[v.length - 1] ?? 0)})`;
}

async function runRound(side: Side, r: number): Promise<Round> {
  const n = names(r);
  const mailbox = await mailboxFigures(side.imap, n.imap, side.pass, IMAP_MESSAGES);
  const header = await headerSync(side.imap, n.hdr, side.pass);
  const sessions = await imapSessions(side.imap, n.imap, side.pass);
  const pop3 = await pop3Session(side.pop3, n.pop, side.pass, POP3_MESSAGES);
  const round: Round = { mailbox, headerSync: header, sessionsPerSecond: sessions.perSecond, pop3 };
  if (side.name === 'Dovecot') round.pop3Argon = await pop3Session(side.pop3, n.argon, side.pass, POP3_MESSAGES);
  return round;
}

export async function benchVersus(): Promise<string[]> {
  const missing = dovecotMissing();
  if (missing) return [missing];
  const rounds = Array.from({ length: ROUNDS }, (_, r) => r);
  const ours = await startOurs();
  const dovecot = await startDovecot([
    { name: 'warmup' },
    ...rounds.flatMap((r) => {
      const n = names(r);
      return [{ name: n.imap }, { name: n.hdr }, { name: n.pop }, { name: n.argon, scheme: 'ARGON2ID' as const }];
    }),
  ]);
  try {
    for (const r of rounds) {
      const n = names(r);
      for (const [user, count] of [
        [n.imap, IMAP_MESSAGES],
        [n.hdr, IMAP_MESSAGES],
        [n.pop, POP3_MESSAGES],
      ] as const) {
        await ours.mailbox(user, count);
        await dovecot.mailbox(user, count);
      }
      await dovecot.mailbox(n.argon, POP3_MESSAGES);
    }
    await ours.mailbox('warmup', IMAP_MESSAGES);
    await dovecot.mailbox('warmup', IMAP_MESSAGES);
    const us: Side = { name: 'gateway', imap: ours.gw.imap, pop3: ours.gw.pop3, pass: ours.pass, rounds: [] };
    const them: Side = {
      name: 'Dovecot',
      imap: dovecot.ports.imap,
      pop3: dovecot.ports.pop3,
      pass: dovecot.pass,
      rounds: [],
    };
    for (const side of [us, them]) await warmUp(side, 'warmup', side.pass, IMAP_MESSAGES);
    for (const r of rounds) {
      for (const side of r % 2 === 0 ? [us, them] : [them, us]) side.rounds.push(await runRound(side, r));
    }

    const line = (label: string, pick: (x: Round) => number, unit = 'ms', digits = 0) =>
      `${label}: gateway ${summary(us.rounds.map(pick), unit, digits)} | Dovecot ${summary(them.rounds.map(pick), unit, digits)}`;
    return [
      `Dovecot ${dovecot.version} (maildir, default fsync) and the gateway at once; ${ROUNDS} rounds on fresh ${IMAP_MESSAGES}-message INBOXes, in turn (who goes first alternates): median (range)`,
      ...MAILBOX_LINES.map(([key, label]) =>
        line(
          label,
          (x) => x.mailbox[key],
          'ms',
          key === 'selectWarm' || key === 'subjectFirst' || key === 'subjectAgain' ? 1 : 0,
        ),
      ),
      line(HEADER_SYNC, (x) => x.headerSync),
      line(IMAP_SESSIONS, (x) => x.sessionsPerSecond, 'sessions/s'),
      line(
        `POP3 session over ${POP3_MESSAGES} messages, a user's first (ours Argon2id m=19 MiB t=2, Dovecot SHA512-CRYPT)`,
        (x) => x.pop3.first,
      ),
      line(`POP3 session over ${POP3_MESSAGES} messages, the next`, (x) => x.pop3.again),
      `POP3 session over ${POP3_MESSAGES} messages, Dovecot with ARGON2ID at our parameters (m=19 MiB, t=2, p=1): first ${summary(
        them.rounds.map((x) => x.pop3Argon?.first ?? 0),
        'ms',
        0,
      )}, next ${summary(
        them.rounds.map((x) => x.pop3Argon?.again ?? 0),
        'ms',
        0,
      )}`,
    ];
  } finally {
    await dovecot.stop();
    await ours.stop();
  }
}
