import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { bool, type CfgField, duration, fieldInfo, int, list, listen, oneOf, secret, size, str } from './fields.js';

type Case = readonly [input: string | undefined, expected: unknown];

function table(name: string, schema: CfgField<unknown>, good: readonly Case[], bad: readonly [string, RegExp][]): void {
  describe(name, () => {
    it.each(good)('accepts %j', (input, expected) => {
      expect(schema.parse(input)).toEqual(expected);
    });
    if (bad.length > 0) {
      it.each(bad)('rejects %j', (input, message) => {
        const result = schema.safeParse(input);
        expect(result.success).toBe(false);
        expect(result.error?.issues[0]?.message).toMatch(message);
      });
    }
  });
}

table(
  'str',
  str('localhost'),
  [
    [undefined, 'localhost'],
    ['', ''],
    ['  mail.example.org ', 'mail.example.org'],
    ['a # b', 'a # b'],
  ],
  [],
);

table(
  'int',
  int(8, { min: 1, max: 64 }),
  [
    [undefined, 8],
    ['1', 1],
    [' 64 ', 64],
    ['+12', 12],
    ['007', 7],
  ],
  [
    ['0', /at least 1/],
    ['65', /at most 64/],
    ['', /whole number/],
    ['1.5', /whole number/],
    ['12abc', /whole number/],
    ['0x10', /whole number/],
    ['1e3', /whole number/],
    ['99999999999999999999', /too large/],
  ],
);
table('int without bounds', int(-1), [['-5', -5]], [['- 5', /whole number/]]);

table(
  'bool',
  bool(true),
  [
    [undefined, true],
    ['yes', true],
    ['YES', true],
    ['True', true],
    ['1', true],
    ['on', true],
    [' no ', false],
    ['false', false],
    ['0', false],
    ['Off', false],
  ],
  [
    ['', /yes\/no/],
    ['y', /yes\/no/],
    ['2', /yes\/no/],
    ['enabled', /yes\/no/],
  ],
);

table(
  'size',
  size('128M'),
  [
    [undefined, 128 * 1024 * 1024],
    ['0', 0],
    ['512', 512],
    ['10k', 10 * 1024],
    ['10K', 10 * 1024],
    ['16m', 16 * 1024 * 1024],
    ['1G', 1024 ** 3],
    ['2T', 2 * 1024 ** 4],
    ['5 MB', 5 * 1024 * 1024],
    ['100b', 100],
  ],
  [
    ['', /expected a size/],
    ['1.5G', /expected a size/],
    ['-1', /expected a size/],
    ['10x', /expected a size/],
    ['M', /expected a size/],
    ['99999999999G', /too large/],
  ],
);
table('size with bounds', size(1024, { min: 1024, max: 1024 ** 2 }), [[undefined, 1024]], [['1G', /at most 1M/]]);

table(
  'duration',
  duration('30s'),
  [
    [undefined, 30_000],
    ['0', 0],
    ['60', 60_000],
    ['60s', 60_000],
    ['500ms', 500],
    ['500MS', 500],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    [' 15 m ', 900_000],
  ],
  [
    ['', /expected a duration/],
    ['1.5h', /expected a duration/],
    ['-5s', /expected a duration/],
    ['5w', /expected a duration/],
    ['ms', /expected a duration/],
  ],
);
table('duration with bounds', duration('1s', { min: 1000 }), [['1s', 1000]], [['999ms', /at least 1s/]]);

table(
  'list',
  list('imap pop3'),
  [
    [undefined, ['imap', 'pop3']],
    ['', []],
    ['  a   b\tc ', ['a', 'b', 'c']],
  ],
  [],
);

table(
  'listen',
  listen('*%lo:143'),
  [
    [undefined, [{ host: '*', port: 143, iface: 'lo' }]],
    ['', []],
    ['127.0.0.1:1143 unix:/run/imap.sock', [{ host: '127.0.0.1', port: 1143 }, { path: '/run/imap.sock' }]],
  ],
  [
    ['*:99999', /between 0 and 65535/],
    ['143', /expected host:port/],
  ],
);

table(
  'secret',
  secret(),
  [
    [undefined, ''],
    [' s3cr=t# ', 's3cr=t#'],
  ],
  [],
);

table(
  'oneOf',
  oneOf(['db', 'ldap', 'unix'], 'db'),
  [
    [undefined, 'db'],
    ['ldap', 'ldap'],
    [' unix ', 'unix'],
  ],
  [
    ['LDAP', /one of: db, ldap, unix/],
    ['', /one of/],
  ],
);

describe('field helpers', () => {
  it('reject non-string input (config values are strings)', () => {
    expect(int(1).safeParse(5).success).toBe(false);
    expect(bool(true).safeParse(true).success).toBe(false);
  });

  it('refuse an invalid default at definition time', () => {
    expect(() => int(0, { min: 1 })).toThrow(ConfigError);
    expect(() => duration('soon')).toThrow(/bad default "soon"/);
    expect(() => listen('nope')).toThrow(ConfigError);
    expect(() => oneOf(['a', 'b'], 'c' as 'a')).toThrow(/one of: a, b/);
  });

  it('hand out a fresh default each time (no shared mutable arrays)', () => {
    const f = list('a b');
    const first = f.parse(undefined);
    first.push('c');
    expect(f.parse(undefined)).toEqual(['a', 'b']);
  });

  it('register dump formatting and secrecy', () => {
    const cases: Array<[CfgField<unknown>, string | undefined, string, boolean]> = [
      [str('x'), undefined, 'x', false],
      [int(5), '12', '12', false],
      [bool(false), 'on', 'yes', false],
      [size(0), '131072k', '128M', false],
      [size(0), '1536', '1536', false],
      [size(0), '10240', '10k', false],
      [duration('1s'), '90s', '90s', false],
      [duration('1s'), '3600', '1h', false],
      [duration('1s'), '1500ms', '1500ms', false],
      [list(), 'a  b', 'a b', false],
      [listen(''), '*%lo:236  [::1]:143', '*%lo:236 [::1]:143', false],
      [secret(), 'pw', 'pw', true],
      [oneOf(['a', 'b'], 'a'), 'b', 'b', false],
    ];
    for (const [schema, input, dumped, isSecret] of cases) {
      const info = fieldInfo.get(schema);
      expect(info?.format(schema.parse(input))).toBe(dumped);
      expect(info?.secret).toBe(isSecret);
    }
  });
});
