import { describe, expect, it } from 'vitest';
import { ByteWriter } from './bytes.js';
import { type ReadResult, Rfc822Reader } from './rfc822-reader.js';

type Method = 'parsePhrase' | 'parseDotAtom' | 'parseAtom' | 'parseMimeToken' | 'parseContentType';

function run(method: Method, input: string): { ret: ReadResult; out: string; rest: string } {
  const reader = new Rfc822Reader(Buffer.from(input, 'latin1'));
  const out = new ByteWriter();
  const ret = reader[method](out);
  return { ret, out: out.toBuffer().toString('latin1'), rest: input.slice(reader.pos) };
}

describe('Rfc822Reader', () => {
  it.each<[Method, string, ReadResult, string, string]>([
    // method, input, result, output, rest of input
    ['parsePhrase', 'John Doe <x>', 1, 'John Doe', '<x>'],
    ['parsePhrase', '"Smith, John \\"JJ\\"" <x>', 1, 'Smith, John "JJ"', '<x>'],
    ['parsePhrase', 'a  (comment)  b', 0, 'a b', ''],
    ['parsePhrase', 'Dave D. <x>', 1, 'Dave D.', '<x>'],
    ['parsePhrase', '.starts with dot', -1, '', '.starts with dot'],
    ['parsePhrase', '"unterminated', -1, 'unterminated'.slice(0, 0), ''],
    ['parsePhrase', '"fold\r\n ed"', 0, 'fold ed', ''],
    ['parsePhrase', '"nul\u0000in"', 0, 'nul\u00ef\u00bf\u00bdin', ''],
    ['parsePhrase', ', next', 1, '', ', next'],
    ['parseDotAtom', 'john.doe@x', 1, 'john.doe', '@x'],
    ['parseDotAtom', 'a . b rest', 1, 'a.b', 'rest'],
    ['parseDotAtom', 'a.', -1, 'a.', ''],
    ['parseDotAtom', '@x', -1, '', '@x'],
    ['parseDotAtom', 'j\u00f6rg@x', 1, 'j\u00f6rg', '@x'],
    ['parseAtom', 'fr-CA, fr', 1, 'fr-CA', ', fr'],
    ['parseAtom', 'en', 0, 'en', ''],
    ['parseMimeToken', 'base64 (c)', 0, 'base64', ''],
    ['parseMimeToken', 'a=b', 1, 'a', '=b'],
    ['parseContentType', 'text/plain; charset=x', 1, 'text/plain', '; charset=x'],
    ['parseContentType', ' TEXT / PLAIN', 0, 'TEXT/PLAIN', ''],
    ['parseContentType', 'text/plain (a comment); x=y', 1, 'text/plain', '; x=y'],
    ['parseContentType', 'text', -1, 'text', ''],
    ['parseContentType', 'application/', -1, '', ''],
    ['parseContentType', '; charset=utf-8', -1, '', '; charset=utf-8'],
    ['parseContentType', 'this is garbage', -1, '', 'is garbage'],
    ['parseContentType', 'text/plain garbage', -1, '', 'garbage'],
    ['parseContentType', '', -1, '', ''],
    ['parseContentType', '(unterminated comment', -1, '', ''],
  ])('%s(%j) → %i %j', (method, input, ret, out, rest) => {
    const r = run(method, input);
    expect(r.ret).toBe(ret);
    expect(r.out).toBe(out);
    expect(r.rest).toBe(rest);
  });

  it.each<[string, ReadResult, string]>([
    ['(a (nested) comment) x', 1, 'a (nested) comment'],
    ['(esc\\) aped) x', 1, 'esc) aped'],
    ['(folded\r\n comment)', 0, 'folded comment'],
    ['(never closed', -1, ''],
    ['(((((((((', -1, ''],
  ])('skipLwsp over %j keeps the comment text', (input, ret, comment) => {
    const reader = new Rfc822Reader(Buffer.from(input, 'latin1'));
    reader.lastComment = new ByteWriter();
    expect(reader.skipLwsp()).toBe(ret);
    if (ret >= 0) expect(reader.lastComment.toBuffer().toString('latin1')).toBe(comment);
  });

  it.each<[string, number, string, string]>([
    ['; a=1; b="two; 2"', 1, 'a', '1'],
    [';name==?utf-8?b?Zm9v?= ; x=y', 1, 'name', '=?utf-8?b?Zm9v?='],
    ['; x-empty=""', 1, 'x-empty', ''],
    ['; novalue=', 1, 'novalue', ''],
    ['; =orphan', 1, '', 'orphan'],
    ['garbage', -1, '', ''],
    ['; noequals', -1, '', ''],
    ['', 0, '', ''],
  ])('parseContentParam(%j)', (input, ret, key, value) => {
    const r = new Rfc822Reader(Buffer.from(input, 'latin1')).parseContentParam();
    expect(r.ret).toBe(ret);
    expect(r.key.toString('latin1')).toBe(key);
    expect(r.value.toString('latin1')).toBe(value);
  });
});
