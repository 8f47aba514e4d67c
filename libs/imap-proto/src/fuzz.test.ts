/**
 * Fuzzing of the framer and the parser with a fixed budget and a fixed seed: valid commands mutated (octets
 * flipped, inserted, deleted, segments repeated), fed in random chunks. Nothing may throw except
 * ImapParseError, every error must give a single well-formed response line, and framing must make progress.
 */
import { describe, expect, it } from 'vitest';
import { ImapCommandFramer } from './command-framer.js';
import { errorResponse, ImapParseError } from './errors.js';
import { parseCommand } from './parse-command.js';

const CORPUS = [
  'a1 CAPABILITY',
  'a2 LOGIN {4+}\r\nfred "se\\"cret"',
  'a3 AUTHENTICATE PLAIN AHVzZXIAcGFzcw==',
  'a4 SELECT INBOX (QRESYNC (67890007 2005 41,43:211,214:541 (1:9,21 13:22,31)) CONDSTORE)',
  'a5 EXAMINE "&U,BTFw-/&ZeVnLIqe-"',
  'a6 CREATE MySent (USE (\\Sent))',
  'a7 RENAME {1+}\r\na {1+}\r\nb',
  'a8 LIST (SUBSCRIBED RECURSIVEMATCH) "" (INBOX "Sent Items" %) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))',
  'a9 LSUB "" *',
  'b1 STATUS INBOX (MESSAGES UIDNEXT HIGHESTMODSEQ)',
  'b2 APPEND INBOX (\\Seen $Junk) " 7-Feb-1994 21:52:25 -0800" {11+}\r\nHello world (\\Draft) ~{3+}\r\n\0\x01\x02',
  'b3 UID EXPUNGE 1:3,7',
  'b4 SEARCH RETURN (MIN MAX) CHARSET UTF-8 OR (FROM "a" TO b) NOT (SUBJECT {3+}\r\nabc) SINCE 1-Feb-1994 UID 1:* 2,4:*',
  'b5 UID SEARCH MODSEQ "/flags/\\\\draft" all 620162338 HEADER X-Foo "" LARGER 10 KEYWORD $x',
  'b6 FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (From To)]<0.100> BODY[1.2.MIME] BINARY.PEEK[1] RFC822.SIZE)',
  'b7 UID FETCH 1:* FULL (CHANGEDSINCE 12345 VANISHED)',
  'b8 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted $Label)',
  'b9 UID MOVE 1:* "Deleted Items"',
  'c1 ENABLE CONDSTORE QRESYNC',
  'c2 ID ("name" "x" "version" NIL)',
  'c3 GETQUOTAROOT INBOX',
  'c4 SORT (REVERSE DATE SUBJECT) UTF-8 ALL',
  'c5 THREAD REFERENCES UTF-8 (SEEN UNDELETED)',
];

const NOISE = Buffer.from('()[]<>{}+~*%:,."\\ \r\n\0\xff0123456789AZaz', 'latin1');

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s;
  };
}

function mutate(input: Buffer, rand: () => number): Buffer {
  const bytes = [...input];
  const edits = 1 + (rand() % 4);
  for (let i = 0; i < edits; i++) {
    const at = rand() % (bytes.length + 1);
    switch (rand() % 5) {
      case 0:
        bytes[at] = NOISE[rand() % NOISE.length] as number;
        break;
      case 1:
        bytes.splice(at, 0, NOISE[rand() % NOISE.length] as number);
        break;
      case 2:
        bytes.splice(at, 1 + (rand() % 5));
        break;
      case 3: {
        const len = 1 + (rand() % 10);
        bytes.splice(at, 0, ...bytes.slice(at, at + len));
        break;
      }
      default:
        bytes[at] = rand() % 256;
    }
  }
  return Buffer.from(bytes);
}

const RESPONSE = /^\S+ (BAD|NO|BYE) [\x20-\x7e]*\r\n$/;

function checkResponse(wire: Buffer): void {
  const text = wire.toString('latin1');
  if (!RESPONSE.test(text)) throw new Error(`malformed response ${JSON.stringify(text)}`);
}

describe('fuzz', () => {
  it('framer + parser survive 10,000 mutated commands', () => {
    const rand = rng(20261129);
    let parsed = 0;
    let refused = 0;
    for (let round = 0; round < 10_000; round++) {
      const base = CORPUS[rand() % CORPUS.length] as string;
      const input = mutate(Buffer.from(`${base}\r\n`, 'latin1'), rand);
      const framer = new ImapCommandFramer({ maxLineLength: 200, maxLiteralSize: 100, maxDiscardSize: 1000 });
      let offset = 0;
      let events = 0;
      while (offset < input.length) {
        const step = 1 + (rand() % 64);
        framer.push(input.subarray(offset, offset + step));
        offset += step;
        for (let e = framer.next(rand() % 10 === 0 ? 'line' : 'command'); e !== null; e = framer.next()) {
          if (++events > 500) throw new Error('framer makes no progress');
          if (e.type === 'continue') {
            if (rand() % 4 === 0) framer.rejectLiteral();
          } else if (e.type === 'error') {
            checkResponse(errorResponse(e.error));
          } else if (e.type === 'command') {
            try {
              parseCommand(e.command);
              parsed++;
            } catch (err) {
              if (!(err instanceof ImapParseError)) throw err;
              checkResponse(errorResponse(err));
              refused++;
            }
          }
        }
      }
    }
    // the mutations are mild enough that both outcomes occur often
    expect(parsed).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(1000);
  });

  it('parses every corpus command unmutated', () => {
    for (const base of CORPUS) {
      const framer = new ImapCommandFramer();
      framer.push(Buffer.from(`${base}\r\n`, 'latin1'));
      let e = framer.next();
      while (e?.type === 'continue') e = framer.next();
      if (e?.type !== 'command') throw new Error(`not framed: ${base}`);
      expect(() => parseCommand(e.command), base).not.toThrow();
    }
  });
});
