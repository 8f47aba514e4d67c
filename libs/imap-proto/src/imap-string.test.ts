/** IMAP string forms (quoted, literal, astring, nstring, strings for humans). */
import { describe, expect, it } from 'vitest';
import {
  astring,
  ImapStringError,
  imapString,
  isQuotable,
  literal,
  nstring,
  nstringNoLf,
  quoted,
  stringForHumans,
} from './imap-string.js';

const text = (b: Buffer) => b.toString('latin1');
const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('IMAP string forms', () => {
  it.each<[string, string]>([
    ['plain', '"plain"'],
    ['', '""'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['""""', '"\\"\\"\\"\\""'],
    // more than four quoted-specials: a literal is shorter
    ['"""""', '{5}\r\n"""""'],
    ['line\r\nbreak', '{11}\r\nline\r\nbreak'],
    ['caf\u00e9', '{4}\r\ncaf\u00e9'],
    ['nul\u0000', '{4}\r\nnul\u0080'],
  ])('imapString(%j) = %j', (input, expected) => {
    expect(text(imapString(bytes(input)))).toBe(expected);
  });

  it('accepts strings as UTF-8', () => {
    expect(text(imapString('Grüße'))).toBe('{7}\r\nGr\u00c3\u00bc\u00c3\u009fe');
  });

  it.each<[string, boolean]>([
    ['ok', true],
    ['tab\tok', true],
    ['cr\r', false],
    ['lf\n', false],
    ['nul\u0000', false],
    ['8bit\u00ff', false],
  ])('isQuotable(%j) = %s', (input, expected) => {
    expect(isQuotable(bytes(input))).toBe(expected);
  });

  it('quoted() refuses what cannot be quoted', () => {
    expect(text(quoted('a"b'))).toBe('"a\\"b"');
    expect(() => quoted(bytes('a\r\nb'))).toThrow(ImapStringError);
    expect(() => quoted(bytes('\u00e9'))).toThrow(ImapStringError);
  });

  it('literal() always writes a literal', () => {
    expect(text(literal('abc'))).toBe('{3}\r\nabc');
    expect(text(literal(''))).toBe('{0}\r\n');
  });

  it.each<[string | null, string]>([
    [null, 'NIL'],
    ['NIL', '"NIL"'],
    ['x', '"x"'],
  ])('nstring(%j) = %j', (input, expected) => {
    expect(text(nstring(input === null ? null : bytes(input)))).toBe(expected);
  });

  it('nstringNoLf() removes line breaks before choosing the form', () => {
    expect(text(nstringNoLf(bytes('https://x/a/\r\n folded')))).toBe('"https://x/a/ folded"');
    expect(text(nstringNoLf(null))).toBe('NIL');
  });

  it.each<[string, string]>([
    ['INBOX', 'INBOX'],
    ['a]b', 'a]b'],
    ['', '""'],
    ['nil', '"nil"'],
    ['two words', '"two words"'],
    ['a(b', '"a(b"'],
    ['50%', '"50%"'],
    ['x*', '"x*"'],
    ['{3}', '"{3}"'],
    ['\u00e9t\u00e9', '{3}\r\n\u00e9t\u00e9'],
  ])('astring(%j) = %j', (input, expected) => {
    expect(text(astring(bytes(input)))).toBe(expected);
  });

  it.each<[string, string]>([
    ['Plain subject', '"Plain subject"'],
    ['', '""'],
    ['   ', '""'],
    ['\r\n \t', '""'],
    [' lead', '{4}\r\nlead'],
    ['trail ', '{5}\r\ntrail'],
    ['two  spaces', '{10}\r\ntwo spaces'],
    ['tab\there', '{8}\r\ntab here'],
    ['folded\r\n\tline', '{11}\r\nfolded line'],
    ['Smith, John "JJ"', '{16}\r\nSmith, John "JJ"'],
    ['J\u00f6rg', '{4}\r\nJ\u00f6rg'],
    ['nul\u0000x', '{5}\r\nnul\u0080x'],
  ])('stringForHumans(%j) = %j', (input, expected) => {
    expect(text(stringForHumans(bytes(input)))).toBe(expected);
  });
});
