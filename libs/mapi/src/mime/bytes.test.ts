import { describe, expect, it } from 'vitest';
import { toImapLineEnds } from './bytes.js';

describe('toImapLineEnds', () => {
  it.each<[string, string]>([
    ['', ''],
    ['a', 'a'],
    ['a\r\nb\r\n', 'a\r\nb\r\n'],
    ['a\nb', 'a\r\nb'],
    ['\n', '\r\n'],
    ['\n\n', '\r\n\r\n'],
    ['a\u0000b', 'a\u0080b'],
    ['\u0000\u0000', '\u0080\u0080'],
    ['\r\r\n', '\r\r\n'],
    ['a\r', 'a\r'],
    ['\n\u0000\r\n\n', '\r\n\u0080\r\n\r\n'],
    ['x\r\n\ny', 'x\r\n\r\ny'],
  ])('%j -> %j', (input, expected) => {
    expect(toImapLineEnds(Buffer.from(input, 'latin1')).toString('latin1')).toBe(expected);
  });

  it('returns its input when nothing changes', () => {
    const data = Buffer.from('a\r\nb\r\n');
    expect(toImapLineEnds(data)).toBe(data);
  });
});
