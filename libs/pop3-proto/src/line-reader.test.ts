import { describe, expect, it } from 'vitest';
import { type LineEvent, LineReader } from './line-reader.js';

const show = (events: LineEvent[]) => events.map((e) => (e.kind === 'line' ? e.line.toString('latin1') : '<too-long>'));

describe('LineReader', () => {
  const cases: Array<[string, string[], number, string[]]> = [
    ['one CRLF line', ['STAT\r\n'], 20, ['STAT']],
    ['bare LF', ['STAT\n'], 20, ['STAT']],
    ['split across chunks', ['ST', 'AT\r', '\n'], 20, ['STAT']],
    ['pipelined', ['STAT\r\nLIST\r\nQUIT\r\n'], 20, ['STAT', 'LIST', 'QUIT']],
    ['incomplete line waits', ['STAT'], 20, []],
    ['empty line', ['\r\n'], 20, ['']],
    ['exactly at the limit (CRLF counted)', ['12345678\r\n'], 10, ['12345678']],
    ['one over the limit', ['123456789\r\n'], 10, ['<too-long>']],
    [
      'overlong without line end: reported once, rest skipped',
      ['x'.repeat(50), 'y'.repeat(50), '\r\nNOOP\r\n'],
      10,
      ['<too-long>', 'NOOP'],
    ],
    ['NUL and 8-bit bytes pass through', ['US\x00ER \xff\r\n'], 20, ['US\x00ER \xff']],
  ];
  it.each(cases)('%s', (_name, chunks, max, expected) => {
    const r = new LineReader(max);
    const out = chunks.flatMap((c) => show(r.push(Buffer.from(c, 'latin1'))));
    expect(out).toEqual(expected);
  });

  it('buffers at most the limit of an overlong line', () => {
    const r = new LineReader(100);
    for (let i = 0; i < 1000; i++) r.push(Buffer.alloc(1000, 0x41));
    expect(r.pending).toBe(0);
  });

  it('clear() drops buffered input', () => {
    const r = new LineReader(100);
    r.push(Buffer.from('STLS\r\nCAPA'));
    r.clear();
    expect(show(r.push(Buffer.from('\r\nNOOP\r\n')))).toEqual(['', 'NOOP']);
  });
});
