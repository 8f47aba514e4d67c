import { describe, expect, it } from 'vitest';
import { fieldValues, hasField, parseHeader, rewriteHeader, rfc5322Date } from './headers.js';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('parseHeader', () => {
  it.each([
    ['plain CRLF', 'To: a@x\r\nSubject: hi\r\n\r\nbody', ['to', 'subject'], '\r\n'],
    ['LF only', 'To: a@x\nSubject: hi\n\nbody', ['to', 'subject'], '\n'],
    ['folded', 'To: a@x,\r\n b@y\r\nCc: c@z\r\n\r\n', ['to', 'cc'], '\r\n'],
    ['no body, no blank line', 'To: a@x\r\nSubject: hi', ['to', 'subject'], '\r\n'],
    ['junk line kept nameless', 'To: a@x\r\nthis is junk\r\n\r\n', ['to', ''], '\r\n'],
    ['space before colon is junk', 'Bcc : a@x\r\n\r\n', [''], '\r\n'],
    ['empty message', '', [], '\n'],
    ['body only', '\r\nhello', [], '\r\n'],
    ['leading continuation', ' folded\r\nTo: a@x\r\n\r\n', ['', 'to'], '\r\n'],
  ])('%s', (_name, raw, names, eol) => {
    const h = parseHeader(b(raw));
    expect(h.fields.map((f) => f.name)).toEqual(names);
    expect(h.eol).toBe(eol);
  });

  it('unfolds values and finds the end of the header', () => {
    const raw = b('To: a@x,\r\n\tb@y\r\nBCC: c@z\r\n\r\nTo: not a header\r\n');
    const h = parseHeader(raw);
    expect(fieldValues(h, 'to').map(String)).toEqual(['a@x,\tb@y']);
    expect(fieldValues(h, 'bcc').map(String)).toEqual(['c@z']);
    expect(hasField(h, 'date')).toBe(false);
    expect(h.headerEnd).toBe(raw.indexOf('\r\n\r\n') + 2);
  });
});

describe('rewriteHeader', () => {
  it.each([
    [
      'drops every Bcc, folded ones whole',
      'To: a@x\r\nBcc: b@y,\r\n c@z\r\nSubject: s\r\nbcc: d@w\r\n\r\nBcc: in body\r\n',
      'To: a@x\r\nSubject: s\r\n\r\nBcc: in body\r\n',
    ],
    [
      'adds fields first, in the message line ends',
      'To: a@x\n\nbody\n',
      'Date: D\nMessage-ID: <m@h>\nTo: a@x\n\nbody\n',
    ],
    ['nothing to do keeps the bytes', 'To: a@x\r\n\r\nbody', 'To: a@x\r\n\r\nbody'],
    ['a Bcc as the last line without a body', 'To: a@x\r\nBcc: b@y', 'To: a@x\r\n'],
  ])('%s', (name, input, expected) => {
    const raw = b(input);
    const add = name.startsWith('adds') ? ['Date: D', 'Message-ID: <m@h>'] : [];
    expect(rewriteHeader(raw, parseHeader(raw), { drop: ['bcc'], add }).toString()).toBe(expected);
  });

  it('keeps 8-bit and binary bytes outside the dropped fields exactly', () => {
    const raw = Buffer.concat([
      b('Subject: '),
      Buffer.from([0xc3, 0xa9, 0xff]),
      b('\r\nBcc: x@y\r\n\r\n'),
      Buffer.from([0, 1, 2, 0xfe]),
    ]);
    const out = rewriteHeader(raw, parseHeader(raw), { drop: ['bcc'], add: [] });
    expect(out).toEqual(
      Buffer.concat([b('Subject: '), Buffer.from([0xc3, 0xa9, 0xff]), b('\r\n\r\n'), Buffer.from([0, 1, 2, 0xfe])]),
    );
  });
});

describe('rfc5322Date', () => {
  it('formats in UTC', () => {
    expect(rfc5322Date(new Date(Date.UTC(2026, 1, 3, 9, 5, 7)))).toBe('Tue, 03 Feb 2026 09:05:07 +0000');
  });
});
