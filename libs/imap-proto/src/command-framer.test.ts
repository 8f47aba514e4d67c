/** Framer tables: well-formed input in every chunking, then each limit and the resynchronisation after it. */
import { describe, expect, it } from 'vitest';
import { type FrameEvent, ImapCommandFramer, peekTagAndName } from './command-framer.js';
import { errorResponse } from './errors.js';
import type { ImapLimits } from './limits.js';

type Simple =
  | { command: string[]; literals: string[]; tag: string | null; name: string | null }
  | { continue: number; binary: boolean }
  | { line: string }
  | { error: string; tag: string | null; status: string; code: string | null; fatal: boolean; wire: string };

function simplify(e: FrameEvent): Simple {
  switch (e.type) {
    case 'command':
      return {
        command: e.command.lines.map((l) => l.toString('latin1')),
        literals: e.command.literals.map((l) => l.toString('latin1')),
        tag: e.command.tag,
        name: e.command.name,
      };
    case 'continue':
      return { continue: e.size, binary: e.binary };
    case 'line':
      return { line: e.line.toString('latin1') };
    case 'error':
      return {
        error: e.error.kind,
        tag: e.error.tag,
        status: e.error.status,
        code: e.error.code,
        fatal: e.error.fatal,
        wire: errorResponse(e.error).toString('latin1'),
      };
  }
}

/** Feeds the input in chunks of `step` bytes (all at once when 0), collecting every event. */
function run(input: string | Buffer, limits: Partial<ImapLimits> = {}, step = 0): Simple[] {
  const framer = new ImapCommandFramer(limits);
  const data = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const out: Simple[] = [];
  const size = step === 0 ? data.length : step;
  for (let i = 0; i < data.length; i += size) {
    framer.push(data.subarray(i, i + size));
    for (let e = framer.next(); e !== null; e = framer.next()) out.push(simplify(e));
  }
  return out;
}

const cmd = (lines: string[], literals: string[] = [], tag: string | null = null, name: string | null = null) => ({
  command: lines,
  literals,
  tag,
  name,
});

describe('ImapCommandFramer: well-formed input', () => {
  it.each<[string, string, Simple[]]>([
    ['one command', 'a1 NOOP\r\n', [cmd(['a1 NOOP'], [], 'a1', 'NOOP')]],
    ['bare LF', 'a1 NOOP\n', [cmd(['a1 NOOP'], [], 'a1', 'NOOP')]],
    [
      'pipelined',
      'a1 NOOP\r\na2 CAPABILITY\r\n',
      [cmd(['a1 NOOP'], [], 'a1', 'NOOP'), cmd(['a2 CAPABILITY'], [], 'a2', 'CAPABILITY')],
    ],
    ['blank lines are skipped', '\r\n\r\na1 noop\r\n\n', [cmd(['a1 noop'], [], 'a1', 'NOOP')]],
    [
      'synchronising literal',
      'a1 LOGIN {4}\r\nuser {4}\r\npass\r\n',
      [
        { continue: 4, binary: false },
        { continue: 4, binary: false },
        cmd(['a1 LOGIN {4}', ' {4}', ''], ['user', 'pass'], 'a1', 'LOGIN'),
      ],
    ],
    [
      'non-synchronising literals (LITERAL+)',
      'A142 RENAME {1+}\r\na {1+}\r\nb\r\n',
      [cmd(['A142 RENAME {1+}', ' {1+}', ''], ['a', 'b'], 'A142', 'RENAME')],
    ],
    [
      'literal8',
      'a1 APPEND x ~{3}\r\n\0\x01\x02\r\n',
      [{ continue: 3, binary: true }, cmd(['a1 APPEND x ~{3}', ''], ['\0\x01\x02'], 'a1', 'APPEND')],
    ],
    [
      'literal holding CRLF and a marker',
      'a1 APPEND x {12+}\r\nz {5}\r\n{3}\r\n\r\n',
      [cmd(['a1 APPEND x {12+}', ''], ['z {5}\r\n{3}\r\n'], 'a1', 'APPEND')],
    ],
    ['empty literal', 'a1 LOGIN {0+}\r\n {0+}\r\n\r\n', [cmd(['a1 LOGIN {0+}', ' {0+}', ''], ['', ''], 'a1', 'LOGIN')]],
    ['no tag', '+ hello\r\n', [cmd(['+ hello'], [], null, null)]],
    ['8-bit and NUL pass through to the parser', 'a\0 x\xff\r\n', [cmd(['a\0 x\xff'], [], null, null)]],
  ])('%s', (_name, input, expected) => {
    expect(run(input)).toEqual(expected);
    // the same byte by byte and in odd chunks
    expect(run(input, {}, 1)).toEqual(expected);
    expect(run(input, {}, 3)).toEqual(expected);
  });

  it('returns raw lines in line mode and commands afterwards', () => {
    const framer = new ImapCommandFramer();
    framer.push(Buffer.from('a1 AUTHENTICATE PLAIN\r\nAGZvbwBiYXI=\r\nDONE {5}\r\na2 NOOP\r\n'));
    expect(framer.next()?.type).toBe('command');
    expect(framer.next('line')).toEqual({ type: 'line', line: Buffer.from('AGZvbwBiYXI=') });
    expect(framer.next('line')).toEqual({ type: 'line', line: Buffer.from('DONE {5}') });
    const e = framer.next();
    expect(e?.type === 'command' && e.command.tag).toBe('a2');
    expect(framer.next()).toBeNull();
    expect(framer.atCommandBoundary).toBe(true);
  });

  it('reset() drops partial input (STARTTLS injection)', () => {
    const framer = new ImapCommandFramer();
    framer.push(Buffer.from('a1 STARTTLS\r\na2 NOOP\r\na3 LOG'));
    expect(framer.next()?.type).toBe('command');
    // the server answers OK to STARTTLS, then resets before the handshake
    expect(framer.reset()).toBe('a2 NOOP\r\na3 LOG'.length);
    expect(framer.atCommandBoundary).toBe(true);
    framer.push(Buffer.from('b1 LOGIN x y\r\n'));
    const e = framer.next();
    expect(e?.type === 'command' && e.command.lines[0]?.toString()).toBe('b1 LOGIN x y');
  });

  it('reset() also drops a literal being received', () => {
    const framer = new ImapCommandFramer();
    framer.push(Buffer.from('a1 APPEND INBOX {10+}\r\nabc'));
    expect(framer.next()).toBeNull();
    expect(framer.reset()).toBe(3);
    framer.push(Buffer.from('a2 NOOP\r\n'));
    const e = framer.next();
    expect(e?.type === 'command' && e.command.tag).toBe('a2');
    expect(framer.reset()).toBe(0);
  });

  it('rejectLiteral drops the command; the next line is a new command', () => {
    const framer = new ImapCommandFramer();
    framer.push(Buffer.from('a1 APPEND INBOX {10}\r\n'));
    expect(framer.next()).toEqual({ type: 'continue', tag: 'a1', name: 'APPEND', size: 10, binary: false });
    expect(framer.atCommandBoundary).toBe(false);
    framer.rejectLiteral();
    framer.push(Buffer.from('a2 NOOP\r\n'));
    const e = framer.next();
    expect(e?.type === 'command' && e.command.lines[0]?.toString()).toBe('a2 NOOP');
    expect(() => framer.rejectLiteral()).toThrow(/without a pending literal/);
  });

  it('copies a large literal once and reports buffered bytes', () => {
    const framer = new ImapCommandFramer();
    framer.push(Buffer.from('a1 APPEND INBOX {100000+}\r\n'));
    for (let i = 0; i < 99; i++) {
      framer.push(Buffer.alloc(1000, 0x61));
      expect(framer.next()).toBeNull();
    }
    expect(framer.bufferedBytes).toBe(99000);
    framer.push(Buffer.alloc(1000, 0x61));
    framer.push(Buffer.from('\r\n'));
    const e = framer.next();
    expect(e?.type === 'command' && e.command.literals[0]?.length).toBe(100000);
  });
});

describe('ImapCommandFramer: limits and hostile input', () => {
  const small: Partial<ImapLimits> = {
    maxLineLength: 40,
    maxLiteralSize: 10,
    maxAppendSize: 50,
    maxAppendTotalSize: 60,
    maxCommandSize: 50,
    maxLiterals: 2,
    maxDiscardSize: 100,
  };
  const bad = (kind: string, tag: string | null, wire: string, status = 'BAD', code = 'TOOBIG') => ({
    error: kind,
    tag,
    status,
    code,
    fatal: false,
    wire,
  });
  const bye = (wire: string) => ({
    error: 'discard-limit',
    tag: null,
    status: 'BYE',
    code: 'TOOBIG',
    fatal: true,
    wire,
  });

  it.each<[string, string, Simple[]]>([
    [
      'over-long line, then the next command',
      `a1 NOOP ${'x'.repeat(40)}\r\na2 NOOP\r\n`,
      [bad('line-too-long', 'a1', 'a1 BAD [TOOBIG] Command line too long\r\n'), cmd(['a2 NOOP'], [], 'a2', 'NOOP')],
    ],
    [
      'over-long line without a tag',
      `${'x'.repeat(50)}\r\na2 NOOP\r\n`,
      [bad('line-too-long', null, '* BAD [TOOBIG] Command line too long\r\n'), cmd(['a2 NOOP'], [], 'a2', 'NOOP')],
    ],
    [
      'line of exactly the limit',
      `a1 ${'x'.repeat(37)}\r\n`,
      [cmd([`a1 ${'x'.repeat(37)}`], [], 'a1', 'X'.repeat(37))],
    ],
    [
      'over-long line ending in a non-synchronising literal: the literal is skipped too',
      `a1 SEARCH ${'x'.repeat(40)} {5+}\r\n{3}\r\n\r\na2 NOOP\r\n`,
      [bad('line-too-long', 'a1', 'a1 BAD [TOOBIG] Command line too long\r\n'), cmd(['a2 NOOP'], [], 'a2', 'NOOP')],
    ],
    [
      'synchronising literal too large: not sent by the client, next command follows',
      'a1 LOGIN {11}\r\na2 NOOP\r\n',
      [bad('literal-too-large', 'a1', 'a1 BAD [TOOBIG] Literal too large\r\n'), cmd(['a2 NOOP'], [], 'a2', 'NOOP')],
    ],
    [
      'APPEND over the message limit is NO [TOOBIG]',
      'a1 APPEND INBOX {51}\r\na2 NOOP\r\n',
      [
        bad('literal-too-large', 'a1', 'a1 NO [TOOBIG] Message too large\r\n', 'NO'),
        cmd(['a2 NOOP'], [], 'a2', 'NOOP'),
      ],
    ],
    [
      'APPEND within the limit',
      `a1 APPEND INBOX {50+}\r\n${'m'.repeat(50)}\r\n`,
      [cmd(['a1 APPEND INBOX {50+}', ''], ['m'.repeat(50)], 'a1', 'APPEND')],
    ],
    [
      'MULTIAPPEND over the total',
      `a1 APPEND INBOX {40+}\r\n${'m'.repeat(40)} {40+}\r\n${'m'.repeat(40)}\r\na2 NOOP\r\n`,
      [
        bad('command-too-large', 'a1', 'a1 NO [TOOBIG] Messages too large\r\n', 'NO'),
        cmd(['a2 NOOP'], [], 'a2', 'NOOP'),
      ],
    ],
    [
      'non-synchronising literal too large: read and dropped with the rest of the command',
      `a1 LOGIN {30+}\r\n${'p'.repeat(30)} {2+}\r\nxx\r\na2 NOOP\r\n`,
      [bad('literal-too-large', 'a1', 'a1 BAD [TOOBIG] Literal too large\r\n'), cmd(['a2 NOOP'], [], 'a2', 'NOOP')],
    ],
    [
      'non-synchronising literal over the discard limit closes the connection',
      `a1 LOGIN {101+}\r\n${'p'.repeat(101)}\r\na2 NOOP\r\n`,
      [{ ...bye('* BYE [TOOBIG] Literal too large\r\n'), tag: 'a1' }],
    ],
    [
      'absurd literal size',
      'a1 LOGIN {99999999999999999999999999}\r\na2 NOOP\r\n',
      [bad('literal-too-large', 'a1', 'a1 BAD [TOOBIG] Literal too large\r\n'), cmd(['a2 NOOP'], [], 'a2', 'NOOP')],
    ],
    [
      'absurd non-synchronising literal size',
      'a1 LOGIN {99999999999999999999999999+}\r\na2 NOOP\r\n',
      [{ ...bye('* BYE [TOOBIG] Literal too large\r\n'), tag: 'a1' }],
    ],
    [
      'too many literals',
      'a1 SEARCH {1+}\r\na {1+}\r\nb {1+}\r\nc\r\na2 NOOP\r\n',
      [
        bad('too-many-literals', 'a1', 'a1 BAD [LIMIT] Too many literals in one command\r\n', 'BAD', 'LIMIT'),
        cmd(['a2 NOOP'], [], 'a2', 'NOOP'),
      ],
    ],
    [
      'command too large through literals',
      'a1 SEARCH {10+}\r\n0123456789 {10+}\r\n0123456789 yyyyyyyyyy\r\na2 NOOP\r\n',
      [bad('command-too-large', 'a1', 'a1 BAD [TOOBIG] Command too large\r\n'), cmd(['a2 NOOP'], [], 'a2', 'NOOP')],
    ],
    [
      'an endless line closes the connection after maxDiscardSize',
      'a1 x'.repeat(60),
      [
        bad('line-too-long', 'a1', 'a1 BAD [TOOBIG] Command line too long\r\n'),
        bye('* BYE [TOOBIG] Too much input to resynchronise\r\n'),
      ],
    ],
  ])('%s', (_name, input, expected) => {
    expect(run(input, small)).toEqual(expected);
    expect(run(input, small, 1)).toEqual(expected);
    expect(run(input, small, 7)).toEqual(expected);
  });

  it('refuses a non-synchronising literal over the LITERAL- limit with BAD, also in APPEND', () => {
    const input = `a1 APPEND INBOX {4097+}\r\n${'m'.repeat(4097)}\r\na2 APPEND INBOX {4096+}\r\n${'m'.repeat(4096)}\r\n`;
    const events = run(input, { maxNonSyncLiteralSize: 4096, maxDiscardSize: 10_000 });
    expect(events).toEqual([
      bad('literal-too-large', 'a1', 'a1 BAD [TOOBIG] Non-synchronizing literal too large\r\n'),
      cmd(['a2 APPEND INBOX {4096+}', ''], ['m'.repeat(4096)], 'a2', 'APPEND'),
    ]);
    // a synchronising literal of the same size is fine
    expect(run('a1 APPEND INBOX {5000}\r\n', { maxNonSyncLiteralSize: 4096 })).toEqual([
      { continue: 5000, binary: false },
    ]);
  });

  it('ignores input after a fatal error', () => {
    const framer = new ImapCommandFramer({ maxDiscardSize: 10 });
    framer.push(Buffer.from('a1 LOGIN {70000+}\r\n'));
    expect(framer.next()?.type).toBe('error');
    expect(framer.closed).toBe(true);
    framer.push(Buffer.from('a2 NOOP\r\n'));
    expect(framer.next()).toBeNull();
  });

  it('survives random garbage without throwing', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alphabet = Buffer.from('a1 {}+~0123456789\r\n\r\n\0\xff()"\\*', 'latin1');
    for (let round = 0; round < 200; round++) {
      const data = Buffer.from(Array.from({ length: 300 }, () => alphabet[rand() % alphabet.length] as number));
      const framer = new ImapCommandFramer({ maxLineLength: 40, maxLiteralSize: 20, maxDiscardSize: 200 });
      framer.push(data);
      let events = 0;
      for (let e = framer.next(); e !== null; e = framer.next()) {
        events++;
        if (e.type === 'continue' && rand() % 2 === 0) framer.rejectLiteral();
        expect(events).toBeLessThan(1000);
      }
    }
  });
});

describe('peekTagAndName', () => {
  it.each<[string, string | null, string | null]>([
    ['a1 noop', 'a1', 'NOOP'],
    ['a1 uid fetch 1 x', 'a1', 'UID'],
    ['a1', 'a1', null],
    ['+x NOOP', null, null],
    ['a{ NOOP', null, null],
    ['a*b NOOP', null, null],
    ['a]b NOOP', 'a]b', 'NOOP'],
    ['a}b NOOP', 'a}b', 'NOOP'],
    [' NOOP', null, null],
  ])('%j', (line, tag, name) => {
    expect(peekTagAndName(Buffer.from(line))).toEqual({ tag, name });
  });
});
