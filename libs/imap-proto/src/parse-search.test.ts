/** SEARCH/SORT/THREAD tables: every key, RETURN and CHARSET, errors, nesting bombs and key-count limits. */
import { describe, expect, it } from 'vitest';
import { ImapCommandFramer } from './command-framer.js';
import type { ImapCommand, SearchCommand, SearchKey } from './command-types.js';
import { errorResponse, ImapParseError } from './errors.js';
import type { ImapLimits } from './limits.js';
import { parseCommand } from './parse-command.js';
import { parseSequenceSet } from './sequence-set.js';

function search(wire: string, limits: Partial<ImapLimits> = {}): SearchCommand {
  const framer = new ImapCommandFramer(limits);
  framer.push(Buffer.from(wire, 'latin1'));
  let e = framer.next();
  while (e?.type === 'continue') e = framer.next();
  if (e?.type !== 'command') throw new Error(`not framed: ${JSON.stringify(e)}`);
  const cmd = parseCommand(e.command, { limits });
  if (cmd.name !== 'SEARCH') throw new Error('not SEARCH');
  return cmd;
}

function searchError(wire: string, limits: Partial<ImapLimits> = {}): ImapParseError {
  try {
    search(wire, limits);
  } catch (e) {
    if (e instanceof ImapParseError) return e;
    throw e;
  }
  throw new Error('parsed');
}

const flag = (f: string, set = true): SearchKey => ({ key: 'FLAG', flag: f, set });
const seq = (text: string) => parseSequenceSet(text);
const date = (year: number, month: number, day: number) => ({ year, month, day });

describe('SEARCH keys', () => {
  it.each<[string, SearchKey]>([
    ['ALL', { key: 'ALL' }],
    ['ANSWERED', flag('\\Answered')],
    ['DELETED', flag('\\Deleted')],
    ['DRAFT', flag('\\Draft')],
    ['FLAGGED', flag('\\Flagged')],
    ['SEEN', flag('\\Seen')],
    ['RECENT', flag('\\Recent')],
    ['UNANSWERED', flag('\\Answered', false)],
    ['UNDELETED', flag('\\Deleted', false)],
    ['UNDRAFT', flag('\\Draft', false)],
    ['UNFLAGGED', flag('\\Flagged', false)],
    ['unseen', flag('\\Seen', false)],
    ['OLD', flag('\\Recent', false)],
    ['NEW', { key: 'AND', operands: [flag('\\Recent'), flag('\\Seen', false)] }],
    ['KEYWORD $Junk', flag('$Junk')],
    ['UNKEYWORD $Forwarded', flag('$Forwarded', false)],
    ['BCC "bob@example.org"', { key: 'BCC', value: 'bob@example.org' }],
    ['CC bob', { key: 'CC', value: 'bob' }],
    ['FROM Smith', { key: 'FROM', value: 'Smith' }],
    ['TO {3}\r\nbob', { key: 'TO', value: 'bob' }],
    ['SUBJECT "hello world"', { key: 'SUBJECT', value: 'hello world' }],
    ['BODY "\u00c3\u00a4rger"', { key: 'BODY', value: 'ärger' }],
    ['TEXT ""', { key: 'TEXT', value: '' }],
    ['HEADER Message-ID <abc@example>', { key: 'HEADER', field: 'Message-ID', value: '<abc@example>' }],
    ['HEADER X-Empty ""', { key: 'HEADER', field: 'X-Empty', value: '' }],
    ['BEFORE 1-Feb-1994', { key: 'BEFORE', date: date(1994, 2, 1) }],
    ['ON "29-feb-2024"', { key: 'ON', date: date(2024, 2, 29) }],
    ['SINCE 01-Jan-2000', { key: 'SINCE', date: date(2000, 1, 1) }],
    ['SENTBEFORE 31-Dec-1999', { key: 'SENTBEFORE', date: date(1999, 12, 31) }],
    ['SENTON 2-Mar-2020', { key: 'SENTON', date: date(2020, 3, 2) }],
    ['SENTSINCE 2-Mar-2020', { key: 'SENTSINCE', date: date(2020, 3, 2) }],
    ['LARGER 0', { key: 'LARGER', size: 0 }],
    ['SMALLER 4294967295', { key: 'SMALLER', size: 4294967295 }],
    ['OLDER 3600', { key: 'OLDER', seconds: 3600 }],
    ['YOUNGER 60', { key: 'YOUNGER', seconds: 60 }],
    ['UID 1:*', { key: 'UID', set: seq('1:*') }],
    ['2,4:7,*', { key: 'SEQUENCE', set: seq('2,4:7,*') }],
    ['*', { key: 'SEQUENCE', set: seq('*') }],
    ['MODSEQ 620162338', { key: 'MODSEQ', modseq: 620162338, entry: null }],
    [
      'MODSEQ "/flags/\\\\draft" all 620162338',
      { key: 'MODSEQ', modseq: 620162338, entry: { name: '/flags/\\draft', type: 'all' } },
    ],
    ['MODSEQ 0', { key: 'MODSEQ', modseq: 0, entry: null }],
    ['NOT SEEN', { key: 'NOT', operand: flag('\\Seen') }],
    ['OR SEEN FLAGGED', { key: 'OR', left: flag('\\Seen'), right: flag('\\Flagged') }],
    ['(SEEN)', flag('\\Seen')],
    ['(SEEN FLAGGED)', { key: 'AND', operands: [flag('\\Seen'), flag('\\Flagged')] }],
    [
      'OR (FROM a TO b) NOT (SUBJECT c)',
      {
        key: 'OR',
        left: {
          key: 'AND',
          operands: [
            { key: 'FROM', value: 'a' },
            { key: 'TO', value: 'b' },
          ],
        },
        right: { key: 'NOT', operand: { key: 'SUBJECT', value: 'c' } },
      },
    ],
    [
      'FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
      {
        key: 'AND',
        operands: [
          flag('\\Flagged'),
          { key: 'SINCE', date: date(1994, 2, 1) },
          { key: 'NOT', operand: { key: 'FROM', value: 'Smith' } },
        ],
      },
    ],
    [
      'OR OR 1 2 3',
      {
        key: 'OR',
        left: { key: 'OR', left: { key: 'SEQUENCE', set: seq('1') }, right: { key: 'SEQUENCE', set: seq('2') } },
        right: { key: 'SEQUENCE', set: seq('3') },
      },
    ],
  ])('SEARCH %s', (keys, criteria) => {
    expect(search(`a SEARCH ${keys}\r\n`)).toEqual({
      tag: 'a',
      name: 'SEARCH',
      uid: false,
      charset: null,
      criteria,
      returnOptions: null,
    });
  });

  it.each<[string, Partial<SearchCommand>]>([
    ['a UID SEARCH ALL\r\n', { uid: true, charset: null, returnOptions: null }],
    ['a SEARCH CHARSET UTF-8 TEXT "\u00c3\u00a4"\r\n', { charset: 'UTF-8', criteria: { key: 'TEXT', value: 'ä' } }],
    ['a SEARCH charset "us-ascii" ALL\r\n', { charset: 'US-ASCII' }],
    ['a SEARCH RETURN (MIN MAX COUNT) UNSEEN\r\n', { returnOptions: ['MIN', 'MAX', 'COUNT'] }],
    ['a SEARCH RETURN () ALL\r\n', { returnOptions: [] }],
    ['a SEARCH RETURN (ALL SAVE ALL) CHARSET UTF-8 ALL\r\n', { returnOptions: ['ALL', 'SAVE'], charset: 'UTF-8' }],
    ['a UID SEARCH RETURN (COUNT) 1:*\r\n', { uid: true, returnOptions: ['COUNT'] }],
    // a key that merely starts like RETURN / CHARSET
    ['a SEARCH RECENT\r\n', { criteria: flag('\\Recent') }],
    ['a SEARCH CC x\r\n', { criteria: { key: 'CC', value: 'x' } }],
  ])('%j', (wire, expected) => {
    expect(search(wire)).toMatchObject(expected);
  });
});

describe('SEARCH errors', () => {
  it.each<[string, RegExp]>([
    ['a SEARCH\r\n', /Expected a space/],
    ['a SEARCH \r\n', /Expected search key/],
    ['a SEARCH FOO\r\n', /Unknown search key FOO/],
    ['a SEARCH (SEEN\r\n', /Expected a space/],
    ['a SEARCH SEEN)\r\n', /Unexpected "\)"/],
    ['a SEARCH ()\r\n', /Expected search key/],
    ['a SEARCH ((SEEN)\r\n', /Expected a space/],
    ['a SEARCH OR SEEN\r\n', /Expected a space/],
    ['a SEARCH NOT\r\n', /Expected a space/],
    ['a SEARCH 0\r\n', /number 0/],
    ['a SEARCH 1:0\r\n', /number 0/],
    ['a SEARCH 99999999999\r\n', /larger than/],
    ['a SEARCH UID 0:5\r\n', /number 0/],
    ['a SEARCH $\r\n', /saved search result/],
    ['a SEARCH BEFORE 32-Jan-2020\r\n', /Invalid date/],
    ['a SEARCH BEFORE 29-Feb-2023\r\n', /Invalid date/],
    ['a SEARCH BEFORE 1-Foo-2020\r\n', /Invalid date/],
    ['a SEARCH BEFORE 2020-01-01\r\n', /Invalid date/],
    ['a SEARCH LARGER -1\r\n', /Expected size/],
    ['a SEARCH LARGER 4294967296\r\n', /out of range/],
    ['a SEARCH OLDER 0\r\n', /must not be 0/],
    ['a SEARCH HEADER "Bad Field" x\r\n', /Invalid header field name/],
    ['a SEARCH HEADER "a:b" x\r\n', /Invalid header field name/],
    ['a SEARCH KEYWORD\r\n', /Expected a space/],
    ['a SEARCH MODSEQ "/flags/x" bogus 1\r\n', /Invalid entry type/],
    ['a SEARCH MODSEQ 9223372036854775808\r\n', /out of range/],
    ['a SEARCH RETURN (FOO) ALL\r\n', /Unknown return option FOO/],
    ['a SEARCH RETURN ALL\r\n', /Expected return options/],
    ['a SEARCH CHARSET UTF-8\r\n', /Expected a space/],
    ['a SEARCH CHARSET US-ASCII TEXT "\u00c3\u00a4"\r\n', /8-bit octets in a US-ASCII/],
    ['a SEARCH TEXT "\xff"\r\n', /Invalid UTF-8/],
    ['a SEARCH TEXT \xff\r\n', /8-bit octet/],
    ['a SEARCH ALL ALL ALL (\r\n', /Expected search key/],
  ])('%j -> %s', (wire, message) => {
    const error = searchError(wire);
    expect(error.message).toMatch(message);
    expect(error.status).toBe('BAD');
    expect(error.tag).toBe('a');
  });

  it('answers an unknown charset NO [BADCHARSET (...)]', () => {
    const error = searchError('a SEARCH CHARSET KOI8-R TEXT x\r\n');
    expect(error.status).toBe('NO');
    expect(error.code).toBe('BADCHARSET');
    expect(errorResponse(error).toString()).toBe('a NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset KOI8-R\r\n');
  });

  it.each<[string, string]>([
    ['parentheses', `${'('.repeat(101)}ALL${')'.repeat(101)}`],
    ['NOT', `${'NOT '.repeat(101)}ALL`],
    ['OR', `${'OR ALL '.repeat(101)}ALL`],
    ['OR chain on the left', `${'OR '.repeat(101)}ALL${' ALL'.repeat(101)}`],
    ['a bomb of 100,000 parentheses', '('.repeat(100_000)],
  ])('limits the nesting depth (%s)', (_name, keys) => {
    const error = searchError(`a SEARCH ${keys}\r\n`, { maxLineLength: 200_000, maxCommandSize: 400_000 });
    expect(error.message).toMatch(/nested too deeply/);
    expect(error.code).toBe('LIMIT');
  });

  it('accepts nesting up to the limit', () => {
    const keys = `${'('.repeat(99)}ALL${')'.repeat(99)}`;
    expect(search(`a SEARCH ${keys}\r\n`).criteria).toEqual({ key: 'ALL' });
    expect(search(`a SEARCH ${'NOT '.repeat(99)}ALL\r\n`).criteria.key).toBe('NOT');
    expect(searchError(`a SEARCH ${'NOT '.repeat(100)}ALL\r\n`).code).toBe('LIMIT');
    expect(search(`a SEARCH ${'NOT '.repeat(4)}ALL\r\n`, { maxSearchDepth: 5 }).criteria.key).toBe('NOT');
    expect(searchError(`a SEARCH ${'NOT '.repeat(5)}ALL\r\n`, { maxSearchDepth: 5 }).code).toBe('LIMIT');
  });

  it('limits the number of keys', () => {
    const keys = Array.from({ length: 101 }, () => 'SEEN').join(' ');
    expect(searchError(`a SEARCH ${keys}\r\n`, { maxSearchKeys: 100 }).code).toBe('LIMIT');
    expect(search(`a SEARCH ${keys}\r\n`, { maxSearchKeys: 101 }).criteria.key).toBe('AND');
  });
});

function parseAny(wire: string): ImapCommand {
  const framer = new ImapCommandFramer();
  framer.push(Buffer.from(wire, 'latin1'));
  const e = framer.next();
  if (e?.type !== 'command') throw new Error('not framed');
  return parseCommand(e.command);
}

describe('SORT and THREAD', () => {
  it.each<[string, ImapCommand]>([
    [
      'A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n',
      {
        tag: 'A282',
        name: 'SORT',
        uid: false,
        sortCriteria: [{ key: 'SUBJECT', reverse: false }],
        charset: 'UTF-8',
        criteria: { key: 'SINCE', date: date(1994, 2, 1) },
        returnOptions: null,
      },
    ],
    [
      'a UID SORT (REVERSE DATE from) US-ASCII ALL\r\n',
      {
        tag: 'a',
        name: 'SORT',
        uid: true,
        sortCriteria: [
          { key: 'DATE', reverse: true },
          { key: 'FROM', reverse: false },
        ],
        charset: 'US-ASCII',
        criteria: { key: 'ALL' },
        returnOptions: null,
      },
    ],
    [
      'a SORT RETURN (MIN COUNT) (ARRIVAL) UTF-8 UNSEEN\r\n',
      {
        tag: 'a',
        name: 'SORT',
        uid: false,
        sortCriteria: [{ key: 'ARRIVAL', reverse: false }],
        charset: 'UTF-8',
        criteria: flag('\\Seen', false),
        returnOptions: ['MIN', 'COUNT'],
      },
    ],
    [
      'A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n',
      {
        tag: 'A283',
        name: 'THREAD',
        uid: false,
        algorithm: 'ORDEREDSUBJECT',
        charset: 'UTF-8',
        criteria: { key: 'SINCE', date: date(2000, 3, 5) },
      },
    ],
    [
      'a UID THREAD references US-ASCII TEXT "gewp"\r\n',
      {
        tag: 'a',
        name: 'THREAD',
        uid: true,
        algorithm: 'REFERENCES',
        charset: 'US-ASCII',
        criteria: { key: 'TEXT', value: 'gewp' },
      },
    ],
  ])('%j', (wire, expected) => {
    expect(parseAny(wire)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['a SORT SUBJECT UTF-8 ALL\r\n', /Expected sort criteria/],
    ['a SORT () UTF-8 ALL\r\n', /Empty sort criteria/],
    ['a SORT (REVERSE) UTF-8 ALL\r\n', /Unknown sort key REVERSE/],
    ['a SORT (BOGUS) UTF-8 ALL\r\n', /Unknown sort key BOGUS/],
    ['a SORT (DATE) ALL\r\n', /Unsupported charset ALL/],
    ['a SORT (DATE) UTF-8\r\n', /Expected a space/],
    ['a SORT RETURN (SAVE) (DATE) UTF-8 ALL\r\n', /Unknown return option SAVE/],
    ['a THREAD FOO UTF-8 ALL\r\n', /Unknown thread algorithm FOO/],
    ['a THREAD REFERENCES\r\n', /Expected a space/],
  ])('%j -> %s', (wire, message) => {
    expect(() => parseAny(wire)).toThrow(message);
  });
});
