/** parseCommand tables for the session, mailbox and message commands, and malformed or hostile input. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ImapCommandFramer } from './command-framer.js';
import type { FetchAttribute, ImapCommand, ImapCommandOf } from './command-types.js';
import { errorResponse, ImapParseError } from './errors.js';
import type { ImapLimits } from './limits.js';
import { isIdleDone, parseCommand, parseSaslResponse } from './parse-command.js';
import { parseSequenceSet } from './sequence-set.js';

/** Frames `wire` (a whole command with CRLF; literals sent at once) and parses it. */
function parse(wire: string | Buffer, limits: Partial<ImapLimits> = {}): ImapCommand {
  const framer = new ImapCommandFramer(limits);
  framer.push(typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire);
  for (let e = framer.next(); e !== null; e = framer.next()) {
    if (e.type === 'command') return parseCommand(e.command, { limits });
    if (e.type === 'error') throw e.error;
  }
  throw new Error('incomplete command');
}

function parseError(wire: string | Buffer, limits: Partial<ImapLimits> = {}): ImapParseError {
  try {
    parse(wire, limits);
  } catch (e) {
    if (e instanceof ImapParseError) return e;
    throw e;
  }
  throw new Error(`parsed: ${wire.toString()}`);
}

const seq = (text: string) => parseSequenceSet(text);

describe('parseCommand: session and mailbox commands', () => {
  it.each<[string, ImapCommand]>([
    ['a CAPABILITY\r\n', { tag: 'a', name: 'CAPABILITY' }],
    ['a1 noop\r\n', { tag: 'a1', name: 'NOOP' }],
    ['x.y LOGOUT\r\n', { tag: 'x.y', name: 'LOGOUT' }],
    ['a STARTTLS\r\n', { tag: 'a', name: 'STARTTLS' }],
    ['a CHECK\r\n', { tag: 'a', name: 'CHECK' }],
    ['a CLOSE\r\n', { tag: 'a', name: 'CLOSE' }],
    ['a UNSELECT\r\n', { tag: 'a', name: 'UNSELECT' }],
    ['a IDLE\r\n', { tag: 'a', name: 'IDLE' }],
    ['a NAMESPACE\r\n', { tag: 'a', name: 'NAMESPACE' }],
    ['a] NOOP\r\n', { tag: 'a]', name: 'NOOP' }],
    ['a} NOOP\r\n', { tag: 'a}', name: 'NOOP' }],
    ['a AUTHENTICATE plain\r\n', { tag: 'a', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: null }],
    [
      'a AUTHENTICATE PLAIN AHVzZXIAcGFzcw==\r\n',
      { tag: 'a', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: Buffer.from('\0user\0pass') },
    ],
    [
      'a AUTHENTICATE PLAIN =\r\n',
      { tag: 'a', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: Buffer.alloc(0) },
    ],
    ['a LOGIN fred secret\r\n', { tag: 'a', name: 'LOGIN', username: 'fred', password: 'secret' }],
    ['a LOGIN "fred" "se\\"c\\\\ret"\r\n', { tag: 'a', name: 'LOGIN', username: 'fred', password: 'se"c\\ret' }],
    ['a LOGIN {4}\r\nfred {6}\r\nsecret\r\n', { tag: 'a', name: 'LOGIN', username: 'fred', password: 'secret' }],
    ['a LOGIN {4+}\r\nfred "p\u00c3\u00a4ss"\r\n', { tag: 'a', name: 'LOGIN', username: 'fred', password: 'päss' }],
    ['a LOGIN "" ""\r\n', { tag: 'a', name: 'LOGIN', username: '', password: '' }],
    ['a SELECT inbox\r\n', { tag: 'a', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: null }],
    [
      'a EXAMINE "Sent Items"\r\n',
      { tag: 'a', name: 'EXAMINE', mailbox: 'Sent Items', condstore: false, qresync: null },
    ],
    ['a SELECT Entw&APw-rfe\r\n', { tag: 'a', name: 'SELECT', mailbox: 'Entwürfe', condstore: false, qresync: null }],
    ['a SELECT INBOX (CONDSTORE)\r\n', { tag: 'a', name: 'SELECT', mailbox: 'INBOX', condstore: true, qresync: null }],
    [
      'a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n',
      {
        tag: 'a',
        name: 'SELECT',
        mailbox: 'INBOX',
        condstore: false,
        qresync: {
          uidValidity: 67890007,
          modseq: Number.MAX_SAFE_INTEGER,
          knownUids: seq('41,43:211,214:541'),
          sequenceMatch: null,
        },
      },
    ],
    [
      'B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541 (1:9,21 13:22,31)))\r\n',
      {
        tag: 'B04',
        name: 'SELECT',
        mailbox: 'INBOX',
        condstore: false,
        qresync: {
          uidValidity: 67890007,
          modseq: Number.MAX_SAFE_INTEGER,
          knownUids: seq('41:211,214:541'),
          sequenceMatch: { sequences: seq('1:9,21'), uids: seq('13:22,31') },
        },
      },
    ],
    [
      'a SELECT INBOX (QRESYNC (1 2 (1:2 3:4)) CONDSTORE)\r\n',
      {
        tag: 'a',
        name: 'SELECT',
        mailbox: 'INBOX',
        condstore: true,
        qresync: {
          uidValidity: 1,
          modseq: 2,
          knownUids: null,
          sequenceMatch: { sequences: seq('1:2'), uids: seq('3:4') },
        },
      },
    ],
    ['a CREATE foo/bar\r\n', { tag: 'a', name: 'CREATE', mailbox: 'foo/bar', specialUse: [] }],
    ['a CREATE MySent (USE (\\Sent))\r\n', { tag: 'a', name: 'CREATE', mailbox: 'MySent', specialUse: ['\\Sent'] }],
    ['a DELETE "a b"\r\n', { tag: 'a', name: 'DELETE', mailbox: 'a b' }],
    ['a SUBSCRIBE x\r\n', { tag: 'a', name: 'SUBSCRIBE', mailbox: 'x' }],
    ['a UNSUBSCRIBE x\r\n', { tag: 'a', name: 'UNSUBSCRIBE', mailbox: 'x' }],
    ['A142 RENAME {1+}\r\na {1+}\r\nb\r\n', { tag: 'A142', name: 'RENAME', from: 'a', to: 'b' }],
    ['a RENAME INBOX Old\r\n', { tag: 'a', name: 'RENAME', from: 'INBOX', to: 'Old' }],
    ['a LSUB "" *\r\n', { tag: 'a', name: 'LSUB', reference: '', pattern: '*' }],
    [
      'a STATUS INBOX (MESSAGES UNSEEN uidnext UIDVALIDITY RECENT HIGHESTMODSEQ MESSAGES)\r\n',
      {
        tag: 'a',
        name: 'STATUS',
        mailbox: 'INBOX',
        items: ['MESSAGES', 'UNSEEN', 'UIDNEXT', 'UIDVALIDITY', 'RECENT', 'HIGHESTMODSEQ'],
      },
    ],
    ['a ENABLE condstore QRESYNC\r\n', { tag: 'a', name: 'ENABLE', capabilities: ['CONDSTORE', 'QRESYNC'] }],
    ['a ID NIL\r\n', { tag: 'a', name: 'ID', parameters: null }],
    [
      'a ID ("name" "imapflow" "version" NIL)\r\n',
      {
        tag: 'a',
        name: 'ID',
        parameters: [
          { field: 'name', value: 'imapflow' },
          { field: 'version', value: null },
        ],
      },
    ],
    ['a ID ()\r\n', { tag: 'a', name: 'ID', parameters: [] }],
    ['a GETQUOTA ""\r\n', { tag: 'a', name: 'GETQUOTA', root: '' }],
    ['a GETQUOTAROOT inbox\r\n', { tag: 'a', name: 'GETQUOTAROOT', mailbox: 'INBOX' }],
    [
      'a SETQUOTA "" (STORAGE 512)\r\n',
      { tag: 'a', name: 'SETQUOTA', root: '', limits: [{ resource: 'STORAGE', limit: 512 }] },
    ],
    ['a EXPUNGE\r\n', { tag: 'a', name: 'EXPUNGE', uid: false, sequenceSet: null }],
    ['a UID EXPUNGE 3000:3002\r\n', { tag: 'a', name: 'EXPUNGE', uid: true, sequenceSet: seq('3000:3002') }],
    ['a COPY 2:4 MEETING\r\n', { tag: 'a', name: 'COPY', uid: false, sequenceSet: seq('2:4'), mailbox: 'MEETING' }],
    ['a uid move 1:* Trash\r\n', { tag: 'a', name: 'MOVE', uid: true, sequenceSet: seq('1:*'), mailbox: 'Trash' }],
  ])('%j', (wire, expected) => {
    expect(parse(wire)).toEqual(expected);
  });
});

describe('parseCommand: LIST', () => {
  const basic = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  const noReturn = { subscribed: false, children: false, specialUse: false, status: null };
  it.each<[string, Partial<ImapCommand>]>([
    ['a LIST "" ""\r\n', { reference: '', patterns: [''], selection: basic, returnOptions: noReturn, extended: false }],
    ['a LIST "" *\r\n', { reference: '', patterns: ['*'], extended: false }],
    ['a LIST ~/Mail/ %\r\n', { reference: '~/Mail/', patterns: ['%'], extended: false }],
    ['a LIST "" INBOX/%]\r\n', { patterns: ['INBOX/%]'] }],
    ['a LIST "" "&U,BTFw-/*"\r\n', { patterns: ['台北/*'] }],
    [
      'a LIST (SUBSCRIBED RECURSIVEMATCH) "" %\r\n',
      { selection: { ...basic, subscribed: true, recursiveMatch: true }, extended: true },
    ],
    ['a LIST () "" %\r\n', { selection: basic, extended: true }],
    ['a LIST (SPECIAL-USE) "" *\r\n', { selection: { ...basic, specialUse: true }, extended: true }],
    ['a LIST "" (INBOX Drafts "Sent Items")\r\n', { patterns: ['INBOX', 'Drafts', 'Sent Items'], extended: true }],
    [
      'a LIST "" % RETURN (CHILDREN SUBSCRIBED SPECIAL-USE)\r\n',
      { returnOptions: { subscribed: true, children: true, specialUse: true, status: null }, extended: true },
    ],
    [
      'a LIST "" % RETURN (STATUS (MESSAGES UNSEEN))\r\n',
      { returnOptions: { ...noReturn, status: ['MESSAGES', 'UNSEEN'] }, extended: true },
    ],
    ['a LIST "" % RETURN ()\r\n', { returnOptions: noReturn, extended: true }],
  ])('%j', (wire, expected) => {
    expect(parse(wire)).toMatchObject({ tag: 'a', name: 'LIST', ...expected });
  });
});

describe('parseCommand: APPEND', () => {
  it('one message with flags and date', () => {
    expect(parse('A003 APPEND saved-messages (\\Seen $Junk) " 7-Feb-1994 21:52:25 -0800" {5}\r\nhello\r\n')).toEqual({
      tag: 'A003',
      name: 'APPEND',
      mailbox: 'saved-messages',
      messages: [
        {
          flags: ['\\Seen', '$Junk'],
          internalDate: { date: new Date('1994-02-08T05:52:25Z'), offsetMinutes: -480 },
          data: Buffer.from('hello'),
          binary: false,
        },
      ],
    });
  });

  it.each<[string, { flags: string[]; data: string; binary: boolean; date: string | null }[]]>([
    ['a APPEND INBOX {3+}\r\nabc\r\n', [{ flags: [], data: 'abc', binary: false, date: null }]],
    ['a APPEND INBOX () {0+}\r\n\r\n', [{ flags: [], data: '', binary: false, date: null }]],
    [
      'a APPEND INBOX (\\SEEN \\seen \\Flagged) {1+}\r\nx\r\n',
      [{ flags: ['\\Seen', '\\Flagged'], data: 'x', binary: false, date: null }],
    ],
    [
      'a APPEND INBOX "01-Jan-2024 00:00:00 +0000" {1+}\r\nx\r\n',
      [{ flags: [], data: 'x', binary: false, date: '2024-01-01T00:00:00.000Z' }],
    ],
    ['a APPEND INBOX ~{3+}\r\n\0\x01\xff\r\n', [{ flags: [], data: '\0\x01\xff', binary: true, date: null }]],
    ['a APPEND INBOX {4}\r\nab\r\n\r\n', [{ flags: [], data: 'ab\r\n', binary: false, date: null }]],
    [
      'a APPEND INBOX (\\Seen) {1+}\r\nx (\\Draft) "02-Feb-2024 10:00:00 +0100" {2+}\r\nyz\r\n',
      [
        { flags: ['\\Seen'], data: 'x', binary: false, date: null },
        { flags: ['\\Draft'], data: 'yz', binary: false, date: '2024-02-02T09:00:00.000Z' },
      ],
    ],
  ])('%j', (wire, messages) => {
    const cmd = parse(wire);
    if (cmd.name !== 'APPEND') throw new Error('not APPEND');
    expect(
      cmd.messages.map((m) => ({
        flags: m.flags,
        data: m.data.toString('latin1'),
        binary: m.binary,
        date: m.internalDate?.date.toISOString() ?? null,
      })),
    ).toEqual(messages);
  });
});

describe('parseCommand: STORE', () => {
  it.each<[string, Partial<ImapCommand>]>([
    [
      'a STORE 2:4 +FLAGS (\\Deleted)\r\n',
      {
        uid: false,
        sequenceSet: seq('2:4'),
        operation: 'add',
        silent: false,
        flags: ['\\Deleted'],
        unchangedSince: null,
      },
    ],
    [
      'a STORE 1 -FLAGS.SILENT (\\Seen $Label1)\r\n',
      { operation: 'remove', silent: true, flags: ['\\Seen', '$Label1'] },
    ],
    ['a STORE 1 FLAGS ()\r\n', { operation: 'replace', silent: false, flags: [] }],
    [
      'a STORE 1 flags.silent \\seen \\answered\r\n',
      { operation: 'replace', silent: true, flags: ['\\Seen', '\\Answered'] },
    ],
    ['a UID STORE 1:* +FLAGS.SILENT (\\Seen)\r\n', { uid: true, sequenceSet: seq('1:*'), flags: ['\\Seen'] }],
    [
      'd105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)\r\n',
      { unchangedSince: 320162338, operation: 'add', silent: true, sequenceSet: seq('7,5,9') },
    ],
    ['a STORE 1 (UNCHANGEDSINCE 0) FLAGS (x)\r\n', { unchangedSince: 0, flags: ['x'] }],
  ])('%j', (wire, expected) => {
    expect(parse(wire)).toMatchObject({ tag: 'a'.length > 0 ? expect.any(String) : '', name: 'STORE', ...expected });
  });
});

describe('parseCommand: hostile and malformed input', () => {
  it.each<[string, RegExp, string | null]>([
    ['\r\n', /incomplete/, null],
    ['NOOP\r\n', /Missing command/, 'NOOP'],
    ['+a NOOP\r\n', /Invalid tag/, null],
    ['a{ NOOP\r\n', /Invalid tag/, null],
    ['"a" NOOP\r\n', /Invalid tag/, null],
    ['a  NOOP\r\n', /Expected command name/, 'a'],
    ['a FROB\r\n', /Unknown command FROB/, 'a'],
    ['a UID LOGIN x y\r\n', /Unknown command UID LOGIN/, 'a'],
    ['a __proto__\r\n', /Unknown command __PROTO__/, 'a'],
    ['a constructor\r\n', /Unknown command CONSTRUCTOR/, 'a'],
    ['a NOOP extra\r\n', /Unexpected " extra"/, 'a'],
    ['a NOOP \r\n', /Unexpected " "/, 'a'],
    ['a LOGIN fred\r\n', /Expected a space/, 'a'],
    ['a LOGIN fred "unterminated\r\n', /Unterminated quoted string/, 'a'],
    ['a LOGIN fred "bad\\escape"\r\n', /Invalid escape/, 'a'],
    ['a LOGIN fred "\xff\xfe"\r\n', /Invalid UTF-8 in password/, 'a'],
    ['a LOGIN fr\0ed x\r\n', /NUL octet in command line/, 'a'],
    ['n1 NOOP\0\r\n', /NUL octet in command line/, 'n1'],
    ['n\0 NOOP\r\n', /Invalid tag/, null],
    ['a LOGIN {3+}\r\nf\0d x\r\n', /NUL octet in literal/, 'a'],
    ['a LOGIN fred {3+}x\r\n', /Invalid literal/, 'a'],
    ['a LOGIN ~{3+}\r\nabc x\r\n', /literal8 is not allowed/, 'a'],
    ['a AUTHENTICATE PLAIN !!!\r\n', /Invalid base64/, 'a'],
    ['a AUTHENTICATE PLAIN abc\r\n', /Invalid base64/, 'a'],
    ['a SELECT\r\n', /Expected a space/, 'a'],
    ['a SELECT Entw\xfcrfe\r\n', /8-bit octet/, 'a'],
    ['a SELECT "Entw\xfcrfe"\r\n', /not valid modified UTF-7/, 'a'],
    ['a SELECT "&AGE-"\r\n', /not valid modified UTF-7/, 'a'],
    ['a SELECT INBOX (FOO)\r\n', /Unknown select parameter FOO/, 'a'],
    ['a SELECT INBOX (QRESYNC (0 1))\r\n', /UIDVALIDITY must not be 0/, 'a'],
    ['a SELECT INBOX (QRESYNC (1 0))\r\n', /must not be 0/, 'a'],
    ['a SELECT INBOX (QRESYNC (1 9223372036854775808))\r\n', /out of range/, 'a'],
    ['a SELECT INBOX (QRESYNC (1 2 1:*))\r\n', /"\*" is not allowed/, 'a'],
    ['a SELECT INBOX (CONDSTORE\r\n', /Expected a space/, 'a'],
    ['a CREATE x (USE (Sent))\r\n', /Expected "\\"/, 'a'],
    ['a LIST (FOO) "" %\r\n', /Unknown LIST selection option FOO/, 'a'],
    ['a LIST (RECURSIVEMATCH) "" %\r\n', /RECURSIVEMATCH needs another/, 'a'],
    ['a LIST "" % RETURN (FOO)\r\n', /Unknown LIST return option/, 'a'],
    ['a LIST "" () \r\n', /Empty pattern list/, 'a'],
    ['a LIST "" \r\n', /Expected a mailbox pattern/, 'a'],
    ['a STATUS INBOX ()\r\n', /Empty status item list/, 'a'],
    ['a STATUS INBOX (SIZE)\r\n', /Unknown status item SIZE/, 'a'],
    ['a STATUS INBOX MESSAGES\r\n', /Expected status item list/, 'a'],
    ['a APPEND INBOX\r\n', /APPEND needs a message literal/, 'a'],
    ['a APPEND INBOX (\\Recent) {1+}\r\nx\r\n', /\\Recent cannot be set/, 'a'],
    ['a APPEND INBOX (\\Foo) {1+}\r\nx\r\n', /Invalid system flag \\Foo/, 'a'],
    ['a APPEND INBOX "31-Feb-2024 00:00:00 +0000" {1+}\r\nx\r\n', /Invalid date/, 'a'],
    ['a APPEND INBOX "1-Jan-2024 00:00:00 +0000" {1+}\r\nx\r\n', /Invalid date-time/, 'a'],
    ['a APPEND INBOX "01-Jan-2024 24:00:00 +0000" {1+}\r\nx\r\n', /Invalid date-time/, 'a'],
    ['a APPEND INBOX hello\r\n', /Expected a literal/, 'a'],
    ['a APPEND INBOX ((\\Seen)) {1+}\r\nx\r\n', /Expected flag/, 'a'],
    ['a STORE 0 FLAGS (x)\r\n', /number 0/, 'a'],
    ['a STORE 1:0 FLAGS (x)\r\n', /number 0/, 'a'],
    ['a STORE 4294967296 FLAGS (x)\r\n', /larger than/, 'a'],
    ['a STORE 1 FLAGZ (x)\r\n', /Unknown store item FLAGZ/, 'a'],
    ['a STORE 1 +FLAGS (\\Recent)\r\n', /\\Recent cannot be set/, 'a'],
    ['a STORE 1 +FLAGS (x\r\n', /Expected a space/, 'a'],
    ['a STORE 1 (UNCHANGEDSINCE -1) FLAGS (x)\r\n', /mod-sequence/, 'a'],
    ['a STORE 1 (FOO 1) FLAGS (x)\r\n', /Unknown store modifier/, 'a'],
    ['a COPY 1,,2 x\r\n', /empty number/, 'a'],
    ['a EXPUNGE 1\r\n', /Unexpected/, 'a'],
    ['a UID EXPUNGE\r\n', /Expected a space/, 'a'],
    ['a ENABLE\r\n', /Expected a space/, 'a'],
    ['a ID ("a")\r\n', /Expected a space/, 'a'],
    ['a ID (name "x")\r\n', /Expected ID field/, 'a'],
    ['a GETQUOTAROOT\r\n', /Expected a space/, 'a'],
    // unbalanced parentheses
    ['a FETCH 1 (FLAGS))\r\n', /Unexpected "\)"/, 'a'],
    ['a FETCH 1 ((FLAGS)\r\n', /Expected a fetch attribute/, 'a'],
    ['a FETCH 1 BODY[HEADER.FIELDS ((From))]\r\n', /Expected header field name/, 'a'],
    ['a STORE 1 FLAGS ((x))\r\n', /Expected flag/, 'a'],
    ['a STORE 1 FLAGS (x))\r\n', /Unexpected "\)"/, 'a'],
    ['a STATUS INBOX ((MESSAGES)\r\n', /Expected status item/, 'a'],
    ['a SELECT INBOX ((CONDSTORE))\r\n', /Expected select parameter/, 'a'],
    ['a LIST ((SUBSCRIBED)) "" %\r\n', /Expected selection option/, 'a'],
    ['a LIST "" (%\r\n', /Expected a space/, 'a'],
    ['a ID (("a" "b"))\r\n', /Expected ID field/, 'a'],
    ['a APPEND INBOX (\\Seen {1+}\r\nx\r\n', /Expected flag/, 'a'],
    [')\r\n', /Invalid tag/, null],
  ])('%j -> %s', (wire, message, tag) => {
    if (wire === '\r\n') {
      expect(() => parse(wire)).toThrow(message);
      return;
    }
    const error = parseError(wire);
    expect(error.message).toMatch(message);
    expect(error.tag).toBe(tag);
    expect(error.status).toBe('BAD');
    expect(errorResponse(error).toString('latin1')).toMatch(new RegExp(`^${tag === null ? '\\*' : tag} BAD .*\\r\\n$`));
  });

  it('marks unknown commands', () => {
    expect(parseError('a FROB\r\n').unknownCommand).toBe(true);
    expect(parseError('a NOOP x\r\n').unknownCommand).toBe(false);
    expect(parseError('a FROB\r\n').command).toBe('FROB');
  });

  it('limits ID parameters (RFC 2971)', () => {
    const pairs = Array.from({ length: 31 }, (_, i) => `"f${i}" "v"`).join(' ');
    expect(parseError(`a ID (${pairs})\r\n`).code).toBe('LIMIT');
    expect(parseError(`a ID ("${'f'.repeat(31)}" "v")\r\n`).code).toBe('LIMIT');
    expect(parseError(`a ID ("f" "${'v'.repeat(1025)}")\r\n`).code).toBe('LIMIT');
  });

  it('limits mailbox name length', () => {
    expect(parseError(`a SELECT ${'x'.repeat(1001)}\r\n`).code).toBe('LIMIT');
    expect(parse(`a SELECT ${'x'.repeat(1000)}\r\n`)).toMatchObject({ name: 'SELECT' });
  });

  it('rejects random garbage with ImapParseError only', () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const words = [
      'a',
      'UID',
      'FETCH',
      'SEARCH',
      'STORE',
      'LIST',
      'APPEND',
      'SELECT',
      'LOGIN',
      'OR',
      'NOT',
      '(',
      ')',
      '[',
      ']',
      '<',
      '>',
      '1',
      '0',
      '*',
      ':',
      ',',
      '"',
      '\\',
      '{1+}\r\nx',
      '~{1+}\r\n\0',
      'BODY[',
      'HEADER.FIELDS',
      ' ',
      ' ',
      'QRESYNC',
      'CHANGEDSINCE',
      'FLAGS',
      '\\Seen',
      '&',
      '-',
      '\xff',
      'NIL',
      'RETURN',
      'CHARSET',
      'UTF-8',
    ];
    for (let round = 0; round < 2000; round++) {
      let text = 'a';
      const n = 1 + (rand() % 12);
      for (let i = 0; i < n; i++) text += words[rand() % words.length];
      const framer = new ImapCommandFramer();
      framer.push(Buffer.from(`${text}\r\n`, 'latin1'));
      for (let e = framer.next(); e !== null; e = framer.next()) {
        if (e.type !== 'command') continue;
        try {
          parseCommand(e.command);
        } catch (err) {
          expect(err).toBeInstanceOf(ImapParseError);
        }
      }
    }
  });
});

describe('continuation lines', () => {
  it.each<[string, ReturnType<typeof parseSaslResponse> | RegExp]>([
    ['*', { cancel: true }],
    ['=', { cancel: false, data: Buffer.alloc(0) }],
    ['', { cancel: false, data: Buffer.alloc(0) }],
    ['AHVzZXIAcGFzcw==', { cancel: false, data: Buffer.from('\0user\0pass') }],
    ['AHVzZXIAcGFzcw', /Invalid base64/],
    ['not base64!', /Invalid base64/],
  ])('SASL response %j', (line, expected) => {
    if (expected instanceof RegExp) expect(() => parseSaslResponse(Buffer.from(line))).toThrow(expected);
    else expect(parseSaslResponse(Buffer.from(line))).toEqual(expected);
  });

  it.each<[string, boolean]>([
    ['DONE', true],
    ['done', true],
    ['DONE ', false],
    ['a1 DONE', false],
  ])('isIdleDone(%j) = %s', (line, expected) => {
    expect(isIdleDone(Buffer.from(line))).toBe(expected);
  });
});

describe('types', () => {
  it('ImapCommandOf picks the command of a name', () => {
    expectTypeOf<ImapCommandOf<'EXAMINE'>['mailbox']>().toEqualTypeOf<string>();
    expectTypeOf<ImapCommandOf<'EXAMINE'>['name']>().toEqualTypeOf<'EXAMINE'>();
    expectTypeOf<ImapCommandOf<'FETCH'>['attributes']>().toEqualTypeOf<FetchAttribute[]>();
    const cmd = parse('a EXAMINE INBOX\r\n');
    if (cmd.name === 'EXAMINE') expectTypeOf(cmd.condstore).toEqualTypeOf<boolean>();
    expect(cmd.name).toBe('EXAMINE');
  });
});

describe('error responses', () => {
  it('do not echo long client input', () => {
    const error = parseError(`a ${'X'.repeat(5000)}\r\n`);
    expect(error.message.length).toBeLessThanOrEqual(203);
    expect(errorResponse(error).toString('latin1')).toMatch(/^a BAD Unknown command X+\.\.\.\r\n$/);
  });

  it('keep the response line one ASCII line', () => {
    const error = new ImapParseError('bad\r\nline\0 ü', { tag: 't1' });
    expect(errorResponse(error).toString('latin1')).toBe('t1 BAD bad  line  ?\r\n');
  });
});
