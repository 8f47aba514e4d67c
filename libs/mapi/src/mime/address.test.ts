import { describe, expect, it } from 'vitest';
import { parseAddressList } from './address.js';

type Row = [string | null, string | null, string | null, string | null];

function addresses(input: string): Row[] | null {
  const list = parseAddressList(Buffer.from(input, 'utf8'));
  if (list === null) return null;
  const s = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
  return list.map((a) => [s(a.name), s(a.adl), s(a.mailbox), s(a.host)]);
}

describe('parseAddressList (IMAP address structure, Dovecot recovery rules)', () => {
  it.each<[string, Row[] | null]>([
    ['Alice Example <alice@example.com>', [['Alice Example', null, 'alice', 'example.com']]],
    ['alice@example.com', [[null, null, 'alice', 'example.com']]],
    ['<bare@example.net>', [[null, null, 'bare', 'example.net']]],
    ['bob@example.net (Bob in a comment)', [['Bob in a comment', null, 'bob', 'example.net']]],
    ['"john..doe"@example.org (John Doe)', [['John Doe', null, 'john..doe', 'example.org']]],
    ['"Smith, John \\"JJ\\"" <jj@x.com>', [['Smith, John "JJ"', null, 'jj', 'x.com']]],
    ['<@r1.example,@r2.example:routed@example.org>', [[null, '@r1.example,@r2.example', 'routed', 'example.org']]],
    ['user@[192.0.2.1]', [[null, null, 'user', '[192.0.2.1]']]],
    ['"quoted local"@example.org', [[null, null, 'quoted local', 'example.org']]],
    ['=?UTF-8?Q?M=C3=BCller?= <m@x.de>', [['=?UTF-8?Q?M=C3=BCller?=', null, 'm', 'x.de']]],
    ['Jörg Müller <jörg@bücher.example>', [['Jörg Müller', null, 'jörg', 'bücher.example']]],
    [
      'a@b.c, d@e.f',
      [
        [null, null, 'a', 'b.c'],
        [null, null, 'd', 'e.f'],
      ],
    ],
    [
      'a@b.c,\r\n\t d@e.f',
      [
        [null, null, 'a', 'b.c'],
        [null, null, 'd', 'e.f'],
      ],
    ],
    // groups
    [
      'undisclosed-recipients:;',
      [
        [null, null, 'undisclosed-recipients', null],
        [null, null, null, null],
      ],
    ],
    [
      '"Team": a@x.org, B <b@x.org>;, c@y.net',
      [
        [null, null, 'Team', null],
        [null, null, 'a', 'x.org'],
        ['B', null, 'b', 'x.org'],
        [null, null, null, null],
        [null, null, 'c', 'y.net'],
      ],
    ],
    // broken input gets placeholders
    ['localpart-only', [[null, null, 'localpart-only', 'MISSING_DOMAIN']]],
    ['Bob <bob@example.net', [['Bob', null, 'bob', 'SYNTAX_ERROR']]],
    ['carol@', [[null, null, 'carol', 'MISSING_DOMAIN']]],
    ['@example.org', [[null, null, 'MISSING_MAILBOX', 'example.org']]],
    ['"Unclosed <x@example.org>', [[null, null, 'MISSING_MAILBOX', 'MISSING_DOMAIN']]],
    [
      ',,',
      [
        [null, null, 'MISSING_MAILBOX', 'MISSING_DOMAIN'],
        [null, null, 'MISSING_MAILBOX', 'MISSING_DOMAIN'],
      ],
    ],
    [
      '=?UTF-8?Q?x?=, Hans <h@x.de>',
      [
        [null, null, '=?UTF-8?Q?x?=', 'MISSING_DOMAIN'],
        ['Hans', null, 'h', 'x.de'],
      ],
    ],
    ['Two Words', [['Two Words', null, 'MISSING_MAILBOX', 'MISSING_DOMAIN']]],
    ['<@bad:>', [[null, '@bad', 'MISSING_MAILBOX', 'MISSING_DOMAIN']]],
    ['<@bad x@y>', [[null, 'INVALID_ROUTE', 'x', 'y']]],
    ['<>', [[null, null, 'MISSING_MAILBOX', 'MISSING_DOMAIN']]],
    ['(only a comment)', null],
    ['', null],
    ['   \r\n ', null],
  ])('%j', (input, expected) => {
    expect(addresses(input)).toEqual(expected);
  });

  it('stays linear on hostile input', () => {
    const hostile = [
      'a '.repeat(200_000),
      '(('.repeat(100_000),
      '"'.repeat(200_000),
      '<'.repeat(200_000),
      'a@'.repeat(100_000),
      ',;:'.repeat(70_000),
      'x: '.repeat(70_000),
    ];
    const started = Date.now();
    for (const h of hostile) expect(() => parseAddressList(Buffer.from(h, 'latin1'))).not.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
