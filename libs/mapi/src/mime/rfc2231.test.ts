import { describe, expect, it } from 'vitest';
import { decodeParams } from './param-decode.js';
import { Rfc822Reader } from './rfc822-reader.js';
import { readMimeParams } from './rfc2231.js';

function params(input: string): Array<[string, string]> {
  return readMimeParams(new Rfc822Reader(Buffer.from(input, 'latin1'))).map((p) => [
    p.name.toString('latin1'),
    p.value.toString('latin1'),
  ]);
}

describe('readMimeParams (IMAP form, Dovecot rules)', () => {
  it.each<[string, Array<[string, string]>]>([
    [
      '; charset="us-ascii"; format=flowed',
      [
        ['charset', 'us-ascii'],
        ['format', 'flowed'],
      ],
    ],
    [
      '; x-dup=one; x-dup=two',
      [
        ['x-dup', 'one'],
        ['x-dup', 'two'],
      ],
    ],
    ['; name="quote\\"d; semi;colon.bin"', [['name', 'quote"d; semi;colon.bin']]],
    // continuations joined in index order, appended after the plain parameters
    [
      '; b*1="two"; a=x; b*0="one"',
      [
        ['a', 'x'],
        ['b', 'onetwo'],
      ],
    ],
    // extended values are not decoded; plain sections of an extended value get % escaped
    ['; n*0*=UTF-8\'\'%E6%97; n*1*=%A5; n*2=".p%f"', [['n*', "UTF-8''%E6%97%A5.p%25f"]]],
    // a plain first section gets an empty charset'language' prefix
    ['; n*0=abc; n*1*=%41', [['n*', "''abc%41"]]],
    ["; title*=us-ascii'en'x%20y", [['title*', "us-ascii'en'x%20y"]]],
    // a gap in the indexes: sections listed one by one
    [
      '; n*0=a; n*2=c',
      [
        ['n*0', 'a'],
        ['n*2', 'c'],
      ],
    ],
    // both plain and extended
    [
      "; name=fallback.txt; name*=utf-8''%C3%BC",
      [
        ['name', 'fallback.txt'],
        ['name*', "utf-8''%C3%BC"],
      ],
    ],
    // a broken parameter is skipped byte by byte up to the next ";" (Dovecot also eats the ";" right after it)
    [
      '; ; =; good=1; bad; lost=2; also=3',
      [
        ['good', '1'],
        ['also', '3'],
      ],
    ],
    ['; n*x=1', [['n*x', '1']]],
    ['', []],
  ])('%j', (input, expected) => {
    expect(params(input)).toEqual(expected);
  });
});

describe('decodeParams (application form)', () => {
  it('decodes RFC 2231 charsets, RFC 2047 words and prefers the extended value', () => {
    const list = readMimeParams(
      new Rfc822Reader(
        Buffer.from(
          "; name=fallback.txt; name*=utf-8''%C3%BCbersicht.txt; title*=iso-8859-1'fr'r%E9sum%E9; " +
            'filename="=?UTF-8?Q?Grafik_=C3=BC.png?="; x=1; X=2',
          'latin1',
        ),
      ),
    );
    expect(decodeParams(list)).toEqual([
      { name: 'name', value: 'übersicht.txt' },
      { name: 'filename', value: 'Grafik ü.png' },
      { name: 'x', value: '1' },
      { name: 'title', value: 'résumé' },
    ]);
  });
});
