import { describe, expect, it } from 'vitest';
import { parseHeaderBlock } from './header-parser.js';

function fields(input: string) {
  const raw = Buffer.from(input, 'latin1');
  const block = parseHeaderBlock(raw, 0, null);
  return {
    fields: block.fields.map((f) => [f.name, f.rawValue.toString('latin1'), f.value.toString('latin1')]),
    fieldsEnd: block.fieldsEnd,
    end: block.end,
    terminated: block.terminated,
  };
}

describe('parseHeaderBlock', () => {
  it.each<[string, string[][], number, number, boolean]>([
    ['Subject: hi\r\n\r\nbody', [['Subject', 'hi', 'hi']], 13, 15, true],
    ['Subject: hi\n\nbody', [['Subject', 'hi', 'hi']], 12, 13, true],
    // folding kept in rawValue, removed in value
    ['S: a\r\n\tb\r\n c\r\n\r\n', [['S', 'a\r\n\tb\r\n c', 'a\tb c']], 14, 16, true],
    // all blanks after the colon are skipped, or exactly one when nothing else follows
    [
      'A:   x\r\nB: \r\nC:\r\nD:  \r\n\r\n',
      [
        ['A', 'x', 'x'],
        ['B', '', ''],
        ['C', '', ''],
        ['D', ' ', ' '],
      ],
      23,
      25,
      true,
    ],
    // blanks before the colon are not part of the name; no blank after the colon
    [
      'X-Spaced   : v\r\nfrom:a@b\r\n\r\n',
      [
        ['X-Spaced', 'v', 'v'],
        ['from', 'a@b', 'a@b'],
      ],
      26,
      28,
      true,
    ],
    // a line without colon is a field whose name is the whole line
    [
      'no colon here\r\nA: b\r\n\r\n',
      [
        ['no colon here', '', ''],
        ['A', 'b', 'b'],
      ],
      21,
      23,
      true,
    ],
    // no empty line: the header runs to the end
    [
      'A: b\r\nC: d\r\n',
      [
        ['A', 'b', 'b'],
        ['C', 'd', 'd'],
      ],
      12,
      12,
      false,
    ],
    ['A: b', [['A', 'b', 'b']], 4, 4, false],
    ['', [], 0, 0, false],
    ['\r\nbody', [], 0, 2, true],
    // a lone CR is not a line end
    ['A: b\rc\r\n\r\n', [['A', 'b\rc', 'bc']], 8, 10, true],
    ['A: x\u0000y\r\n\r\n', [['A', 'x\u0000y', 'x\u0000y']], 8, 10, true],
  ])('%j', (input, expected, fieldsEnd, end, terminated) => {
    const r = fields(input);
    expect(r.fields).toEqual(expected);
    expect(r.fieldsEnd).toBe(fieldsEnd);
    expect(r.end).toBe(end);
    expect(r.terminated).toBe(terminated);
  });

  it.each<[string, boolean, string]>([
    ['A: b\r\n\r\n', false, 'none'],
    ['A: x\u0000y\r\n\r\n', true, 'in a value'],
    ['A\u0000B: y\r\n\r\n', true, 'in a name'],
    ['A: b\r\n c\u0000\r\n\r\n', true, 'on a continuation line'],
    ['A: b\r\n\r\nbody \u0000\r\n', false, 'only in the body'],
  ])('hasNuls of %j is %s (%s)', (input, expected) => {
    expect(parseHeaderBlock(Buffer.from(input, 'latin1'), 0, null).hasNuls).toBe(expected);
  });

  it('splits at the first colon; a colon in the value stays there', () => {
    expect(fields('A:b:c\r\nX : y:\r\n\r\n').fields).toEqual([
      ['A', 'b:c', 'b:c'],
      ['X', 'y:', 'y:'],
    ]);
  });

  it('stops before a boundary line and gives it the line end before it', () => {
    const raw = Buffer.from('Content-Type: text/plain\r\nEnd of preamble.\r\n--b\r\n', 'latin1');
    const block = parseHeaderBlock(raw, 0, (at) => raw.toString('latin1', at, at + 3) === '--b');
    expect(block.boundaryLine).toBe(44);
    expect(block.end).toBe(42);
    expect(block.fields.map((f) => f.name)).toEqual(['Content-Type', 'End of preamble.']);
    expect(block.fields[1]?.end).toBe(42);
  });
});
