import { describe, expect, it } from 'vitest';
import { type CfgEntry, parseCfgText } from './cfg-parser.js';
import { ConfigError } from './config-error.js';

const F = '/etc/kgc/test.cfg';
const set = (key: string, value: string, line: number): CfgEntry => ({ kind: 'setting', key, value, file: F, line });
const inc = (path: string, line: number): CfgEntry => ({ kind: 'include', path, file: F, line });

describe('parseCfgText', () => {
  const longValue = 'x'.repeat(200_000);
  const good: Array<[string, string, CfgEntry[]]> = [
    ['empty text', '', []],
    ['blank lines and whitespace only', '\n   \n\t\n', []],
    ['simple pair', 'server_listen = *%lo:236', [set('server_listen', '*%lo:236', 1)]],
    ['no spaces around =', 'a=b', [set('a', 'b', 1)]],
    ['whitespace trimmed around key and value', '  \tkey\t =   spaced value  \t', [set('key', 'spaced value', 1)]],
    ['empty value', 'imaps_listen =', [set('imaps_listen', '', 1)]],
    ['first = splits, the rest is value', 'k = a=b=c', [set('k', 'a=b=c', 1)]],
    ['# comment at line start', '# comment\nk = v', [set('k', 'v', 2)]],
    ['# comment after indentation', '   # indented comment = not a key', []],
    [
      '# inside a value stays',
      'spam_header_value = Yes,# not a comment',
      [set('spam_header_value', 'Yes,# not a comment', 1)],
    ],
    ['# after value with space stays', 'k = v # trailing', [set('k', 'v # trailing', 1)]],
    ['duplicate keys all kept in order', 'k = 1\nk = 2', [set('k', '1', 1), set('k', '2', 2)]],
    ['key spelling kept', 'Server_Listen = x', [set('Server_Listen', 'x', 1)]],
    ['CRLF line ends', 'a = 1\r\nb = 2\r\n', [set('a', '1', 1), set('b', '2', 2)]],
    ['UTF-8 BOM stripped', '\uFEFFa = 1', [set('a', '1', 1)]],
    ['BOM before a comment', '\uFEFF# first line\na = 1', [set('a', '1', 2)]],
    ['no newline at end', 'a = 1\nb = 2', [set('a', '1', 1), set('b', '2', 2)]],
    ['very long value kept whole', `k = ${longValue}`, [set('k', longValue, 1)]],
    ['unicode value', 'name = Grüße ✉', [set('name', 'Grüße ✉', 1)]],
    ['include directive', '!include common.cfg', [inc('common.cfg', 1)]],
    ['include with extra spaces', '  !include    /etc/kgc/a b.cfg  ', [inc('/etc/kgc/a b.cfg', 1)]],
    ['line numbers count comments and blanks', '# c\n\nk = v\n!include x.cfg', [set('k', 'v', 3), inc('x.cfg', 4)]],
  ];
  it.each(good)('%s', (_name, text, expected) => {
    expect(parseCfgText(text, F)).toEqual(expected);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['line without =', 'server_listen *:236', /test\.cfg:1: line has no "="/],
    ['empty key', ' = value', /test\.cfg:1: line has an empty key/],
    ['unknown directive', '!propmap ldap.propmap.cfg', /test\.cfg:1: unknown directive "!propmap"/],
    ['include without path', '!include   ', /test\.cfg:1: !include needs a file path/],
    ['error line number after CRLF lines', 'a = 1\r\nb = 2\r\noops\r\n', /test\.cfg:3: /],
    ['very long line without = is cut in the message', `${'y'.repeat(100_000)}`, /line has no "=".*y{60}\.\.\.$/],
  ];
  it.each(bad)('rejects %s', (_name, text, message) => {
    expect(() => parseCfgText(text, F)).toThrow(ConfigError);
    expect(() => parseCfgText(text, F)).toThrow(message);
  });

  it('reports every bad line at once', () => {
    try {
      parseCfgText('a\n= b\nc = ok\n!bogus', F);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const issues = (err as ConfigError).issues.map((i) => i.source);
      expect(issues).toEqual([`${F}:1`, `${F}:2`, `${F}:4`]);
    }
  });

  it('parses a 10 MB hostile line in linear time', () => {
    const started = performance.now();
    const huge = `!${' '.repeat(5_000_000)}x${'\t'.repeat(5_000_000)}`;
    expect(() => parseCfgText(huge, F)).toThrow(/unknown directive/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
