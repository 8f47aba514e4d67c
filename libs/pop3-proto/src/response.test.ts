import { describe, expect, it } from 'vitest';
import { continuation, dotStuffed, err, multiline, ok } from './response.js';

const s = (b: Buffer) => b.toString('latin1');
const stuffed = (raw: string, opts?: { topLines?: number; chunkSize?: number; head?: Buffer }) =>
  [...dotStuffed(Buffer.from(raw, 'latin1'), opts)].map(s).join('');

describe('status lines', () => {
  it.each([
    [ok(), '+OK\r\n'],
    [ok('2 320'), '+OK 2 320\r\n'],
    [err('no such message'), '-ERR no such message\r\n'],
    [err('invalid credentials', 'AUTH'), '-ERR [AUTH] invalid credentials\r\n'],
    [err('server unavailable', 'SYS/TEMP'), '-ERR [SYS/TEMP] server unavailable\r\n'],
    [err('injected\r\n+OK fake'), '-ERR injected +OK fake\r\n'],
    [continuation(), '+ \r\n'],
  ])('%#', (buf, text) => expect(s(buf)).toBe(text));
});

describe('multiline', () => {
  it('dot-stuffs and terminates', () => {
    expect(s(multiline(ok('list'), ['1 100', '.hidden', 'TOP']))).toBe('+OK list\r\n1 100\r\n..hidden\r\nTOP\r\n.\r\n');
  });
});

describe('dotStuffed', () => {
  const cases: Array<[string, string, { topLines?: number; chunkSize?: number; head?: Buffer } | undefined, string]> = [
    ['CRLF message', 'A: b\r\n\r\nbody\r\n', undefined, 'A: b\r\n\r\nbody\r\n.\r\n'],
    ['bare LF becomes CRLF', 'A: b\n\nbody\n', undefined, 'A: b\r\n\r\nbody\r\n.\r\n'],
    ['no final line end', 'A: b\r\n\r\nbody', undefined, 'A: b\r\n\r\nbody\r\n.\r\n'],
    ['leading dots stuffed', 'A: b\r\n\r\n.\r\n..x\r\n.y\r\n', undefined, 'A: b\r\n\r\n..\r\n...x\r\n..y\r\n.\r\n'],
    ['lone CR kept inside a line', 'A: b\r\n\r\nx\ry\r\n', undefined, 'A: b\r\n\r\nx\ry\r\n.\r\n'],
    ['empty message', '', undefined, '.\r\n'],
    ['a dot after the first line', 'A: b\r\n.x\r\n', undefined, 'A: b\r\n..x\r\n.\r\n'],
    ['a dot as the first byte', '.A: b\r\n', undefined, '..A: b\r\n.\r\n'],
    ['one bare LF among CRLFs', 'A: b\r\n\r\nx\ny\r\n', undefined, 'A: b\r\n\r\nx\r\ny\r\n.\r\n'],
    ['a bare LF first', '\nA: b\r\n', undefined, '\r\nA: b\r\n.\r\n'],
    ['CR CR LF', 'A: b\r\r\n', undefined, 'A: b\r\r\n.\r\n'],
    ['ends in CR without LF', 'A: b\r\n\r\nx\r', undefined, 'A: b\r\n\r\nx\r\n.\r\n'],
    ['with the status line', 'A: b\r\n\r\nx\r\n', { head: ok('9 octets') }, '+OK 9 octets\r\nA: b\r\n\r\nx\r\n.\r\n'],
    ['with the status line, stuffed', '.\r\n', { head: ok() }, '+OK\r\n..\r\n.\r\n'],
    ['larger than a chunk: stuffed in chunks', 'A: b\r\n\r\nxyz\r\n', { chunkSize: 4 }, 'A: b\r\n\r\nxyz\r\n.\r\n'],
    ['TOP 0: header and blank line', 'A: b\r\nC: d\r\n\r\nl1\r\nl2\r\n', { topLines: 0 }, 'A: b\r\nC: d\r\n\r\n.\r\n'],
    ['TOP 1', 'A: b\r\n\r\nl1\r\nl2\r\n', { topLines: 1 }, 'A: b\r\n\r\nl1\r\n.\r\n'],
    ['TOP more than there are', 'A: b\r\n\r\nl1\r\n', { topLines: 10 }, 'A: b\r\n\r\nl1\r\n.\r\n'],
    ['TOP of a header-only message', 'A: b\r\n', { topLines: 3 }, 'A: b\r\n.\r\n'],
    [
      'small chunks join to the same bytes',
      'A: b\r\n\r\n.1\r\n2\r\n3\r\n',
      { chunkSize: 1 },
      'A: b\r\n\r\n..1\r\n2\r\n3\r\n.\r\n',
    ],
  ];
  it.each(cases)('%s', (_name, raw, opts, expected) => expect(stuffed(raw, opts)).toBe(expected));

  it('yields bounded chunks for a big message', () => {
    const raw = Buffer.from(`A: b\r\n\r\n${'x'.repeat(70)}\r\n`.repeat(20_000), 'latin1');
    const chunks = [...dotStuffed(raw, { chunkSize: 16 * 1024 })];
    expect(chunks.length).toBeGreaterThan(50);
    for (const c of chunks) expect(c.length).toBeLessThan(16 * 1024 + 200);
  });
});
