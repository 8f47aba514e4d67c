/**
 * Fuzzing both protocols over real sockets for a fixed budget (deterministic PRNG): random and
 * mutated command lines, 8-bit garbage, unbalanced parentheses, invalid sequence sets. After each
 * line a sentinel command must be answered (no hang), the whole transcript must consist of
 * well-formed responses, and the process must stay up. Lines that switch the input mode (IDLE,
 * AUTHENTICATE/AUTH without an initial response, STARTTLS/STLS) or end the session (LOGOUT/QUIT)
 * are left out: they are covered by the transcript tests. Literals are covered there too.
 */
import { parseCommand as parseImap } from '@kgc/imap-proto';
import { parseCommand as parsePop3 } from '@kgc/pop3-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  type MailUser,
  makeMessage,
  putMessage,
  RawClient,
  startTestGateway,
} from './testing/harness.js';

const BUDGET = 1500;

let server: TestServer;
let gw: GatewayUnderTest;
let user: MailUser;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  gw = await startTestGateway(
    server.url,
    { KGC_IMAP_MAX_FAIL_COMMANDS: '10000' },
    { limits: { pop3MaxBadCommands: 100_000 } },
  );
  const admin = await server.admin();
  user = await createMailUser(admin, ['imap', 'pop3']);
  for (let i = 0; i < 5; i++)
    await putMessage(
      admin,
      folderOf(user, 'inbox'),
      makeMessage(`fuzz ${i}`, `line\r\n.dot\r\n${'x'.repeat(i * 100)}\r\n`),
    );
});
afterAll(async () => {
  await gw?.close();
  await server?.close();
});

function prng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const IMAP_SEEDS = [
  'a FETCH 1:* (FLAGS UID RFC822.SIZE)',
  'a UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODYSTRUCTURE ENVELOPE)',
  'a FETCH 2 (BODY[1.MIME] BODY.PEEK[TEXT]<0.10>)',
  'a STORE 1:3 +FLAGS.SILENT (\\Flagged kw)',
  'a UID STORE 1:* -FLAGS (\\Flagged)',
  'a SEARCH OR (FROM "x" SUBJECT fuzz) NOT (LARGER 10 SMALLER 5) UID 1:*',
  'a SEARCH CHARSET UTF-8 BODY "dot" SINCE 1-Jan-2020',
  'a LIST "" "*"',
  'a LSUB "" "%"',
  'a STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY RECENT)',
  'a SELECT INBOX',
  'a EXAMINE "Sent Items"',
  'a CREATE fuzz/box',
  'a RENAME fuzz/box fuzz/other',
  'a DELETE fuzz/other',
  'a COPY 1 "Deleted Items"',
  'a NOOP',
  'a CHECK',
  'a CAPABILITY',
  'a NAMESPACE',
  'a GETQUOTAROOT INBOX',
  'a ID ("name" "fuzz")',
  'a UID EXPUNGE 999',
];
const IMAP_TOKENS = [
  '(',
  ')',
  '[',
  ']',
  '"',
  '\\',
  '*',
  '%',
  '{',
  '}',
  ':',
  ',',
  ' ',
  '0',
  '4294967296',
  '1:*',
  'BODY[',
  'NIL',
  '\xff',
  '\x00',
  '\t',
  'UID',
  'FETCH',
];

function mutate(line: string, rnd: (n: number) => number): string {
  const chars = [...line];
  const ops = 1 + rnd(4);
  for (let i = 0; i < ops; i++) {
    const at = rnd(chars.length + 1);
    switch (rnd(5)) {
      case 0:
        chars.splice(at, 1);
        break;
      case 1:
        chars.splice(at, 0, IMAP_TOKENS[rnd(IMAP_TOKENS.length)] as string);
        break;
      case 2:
        chars.splice(at, 0, String.fromCharCode(rnd(256)));
        break;
      case 3:
        chars.length = Math.min(chars.length, at);
        break;
      default:
        chars.splice(at, 0, ...chars.slice(0, rnd(chars.length + 1)));
    }
  }
  return chars.join('');
}

function randomLine(rnd: (n: number) => number, seeds: readonly string[]): string {
  const kind = rnd(10);
  if (kind < 6) return mutate(seeds[rnd(seeds.length)] as string, rnd);
  if (kind < 8) return Array.from({ length: rnd(40) }, () => String.fromCharCode(rnd(256))).join('');
  const n = rnd(30);
  return Array.from({ length: n }, () => IMAP_TOKENS[rnd(IMAP_TOKENS.length)]).join(rnd(2) ? ' ' : '');
}

/** Line ends and literal markers out: the framing is not what this fuzzes. */
function clean(line: string): string {
  return line.replace(/[\r\n]/g, ' ').replace(/\{(\d*)\+?\}\s*$/, '($1)');
}

/** Every IMAP response well-formed: `* `, `+ ` or `tag OK|NO|BAD `, literals skipped. */
function checkImapTranscript(t: Buffer): void {
  let at = 0;
  while (at < t.length) {
    const start = at;
    for (;;) {
      const crlf = t.indexOf('\r\n', at, 'latin1');
      expect(crlf, `unterminated response at ${start}`).toBeGreaterThanOrEqual(0);
      const lit = /\{(\d+)\}$/.exec(t.subarray(at, crlf).toString('latin1'));
      if (!lit) {
        at = crlf + 2;
        break;
      }
      at = crlf + 2 + Number(lit[1]);
    }
    const head = t.subarray(start, Math.min(at, start + 200)).toString('latin1');
    expect(head, 'malformed response').toMatch(/^(\* [A-Z0-9]|\+ |[\x21-\x7e]+ (OK|NO|BAD) )/);
  }
}

describe('fuzz', () => {
  it(`IMAP: ${BUDGET} hostile lines in a logged-in, selected session`, async () => {
    const rnd = prng(0x1a2b3c);
    let c = await RawClient.connect(gw.imapPort, false);
    const transcript: Buffer[] = [];
    const login = async () => {
      await c.until(/\r\n/);
      c.send(`L LOGIN ${user.username} ${user.password}\r\nS SELECT INBOX\r\n`);
      await c.until(/S OK .*\r\n/);
    };
    await login();
    let reconnects = 0;
    for (let i = 0; i < BUDGET; i++) {
      const line = clean(randomLine(rnd, IMAP_SEEDS));
      try {
        const cmd = parseImap({ lines: [Buffer.from(line, 'latin1')], literals: [] });
        if (['IDLE', 'AUTHENTICATE', 'STARTTLS', 'LOGOUT'].includes(cmd.name)) continue;
      } catch {
        // unparsable: exactly what is wanted
      }
      c.send(Buffer.from(`${line}\r\nQ${i} NOOP\r\n`, 'latin1'));
      try {
        transcript.push(
          Buffer.from(await c.until(new RegExp(`(^|\\r\\n)Q${i} (OK|NO|BAD) [^\\r\\n]*\\r\\n$`)), 'latin1'),
        );
      } catch (e) {
        // Closed by the server: only ever with a BYE, then a fresh session goes on.
        expect(String(e)).toMatch(/\* BYE/);
        reconnects++;
        c = await RawClient.connect(gw.imapPort, false);
        await login();
      }
    }
    c.close();
    checkImapTranscript(Buffer.concat(transcript));
    expect(reconnects).toBeLessThan(BUDGET / 10);
  }, 120_000);

  it(`POP3: ${BUDGET} hostile lines before and after login`, async () => {
    const rnd = prng(0x4d5e6f);
    const seeds = [
      'USER x',
      'PASS y',
      'STAT',
      'LIST',
      'LIST 2',
      'UIDL',
      'UIDL 9',
      'RETR 1',
      'TOP 2 1',
      'DELE 3',
      'RSET',
      'NOOP',
      'CAPA',
      'AUTH PLAIN AAAA',
    ];
    for (const phase of ['authorization', 'transaction'] as const) {
      const c = await RawClient.connect(gw.pop3Port);
      await c.until(/\r\n/);
      if (phase === 'transaction') {
        c.send(`USER ${user.username}\r\nPASS ${user.password}\r\n`);
        await c.until(/\+OK Logged in\.\r\n/);
      }
      for (let i = 0; i < BUDGET / 2; i++) {
        const line = clean(randomLine(rnd, seeds));
        const parsed = parsePop3(Buffer.from(line, 'latin1'));
        if (parsed.ok && ['QUIT', 'STLS', 'USER', 'PASS', 'AUTH'].includes(parsed.command.name)) continue;
        // The sentinel CAPA, and the line itself when it is a CAPA that fits the line limit.
        const capas =
          1 + (parsed.ok && parsed.command.name === 'CAPA' && Buffer.byteLength(line, 'latin1') + 2 <= 255 ? 1 : 0);
        c.send(Buffer.from(`${line}\r\nCAPA\r\n`, 'latin1'));
        const t = await c.until(new RegExp(`^(?:[\\s\\S]*?IMPLEMENTATION KGC-TS\\r\\n\\.\\r\\n){${capas}}`));
        // Every status line is +OK or -ERR; multi-line bodies end with a lone dot.
        for (const l of t.split('\r\n').filter((x) => x.startsWith('+') || x.startsWith('-'))) {
          if (/^(\+OK|-ERR)( |$)/.test(l)) continue;
          expect(l, 'malformed POP3 status').toMatch(/^\+ ?$|^\+OK|^-ERR/);
        }
      }
      c.send('QUIT\r\n');
      expect(await c.closedByServer()).toMatch(/\+OK/);
    }
  }, 120_000);
});
