import { describe, expect, it } from 'vitest';
import { decodeHeaderText } from './header-decode.js';

describe('decodeHeaderText', () => {
  it.each<[string, string]>([
    ['plain text', 'plain text'],
    ['=?UTF-8?B?R3LDvMOfZQ==?=', 'Grüße'],
    ['=?utf-8?q?J=C3=B6rg_M=C3=BCller?=', 'Jörg Müller'],
    // whitespace between two encoded words is not text; around plain text it is
    ['=?UTF-8?Q?a?= =?UTF-8?Q?b?=', 'ab'],
    ['=?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?=', 'ab'],
    ['x =?UTF-8?Q?a?= y', 'x a y'],
    ['=?ISO-8859-1?Q?Andr=E9?= =?KOI8-R?B?8NLJ18XU?=', 'AndréПривет'],
    ['=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=', '日本語'],
    ['=?windows-1252?Q?=93q=94?=', '“q”'],
    ['=?ISO-8859-15?Q?=A4?=', '€'],
    // glued to other text
    ['glued=?UTF-8?Q?bar?=baz', 'gluedbarbaz'],
    ['"=?UTF-8?Q?Quoted_J=C3=B6rg?=" <q@x>', '"Quoted Jörg" <q@x>'],
    // malformed words stay raw or are dropped, like Dovecot
    ['=?UTF-8?Q?no_end and more', '=?UTF-8?Q?no_end and more'],
    ['=?UTF-8?X?bad?=', '=?UTF-8?X?bad?='],
    ['a =?x-unknown?Q?mystery?= b', 'a  b'],
    ['=?UTF-8*en?Q?tagged?=', ''],
    ['=?UTF-8?B?@@@notbase64?=', ''],
    ['=?UTF-8?B?SGVsbG8@@@?=', 'Hello'],
    ['=?UTF-8?Q?has space?=', 'has space'],
    ['=?UTF-8?Q?=FF_ok?=', '\ufffd ok'],
    ['=?UTF-8?Q?bad=ZZhex?=', 'bad=ZZhex'],
    ['=?', '=?'],
    ['=?=?=?', '=?=?=?'],
    ['', ''],
    // raw 8-bit is read as UTF-8
    ['Gr\u00c3\u00bc\u00c3\u009fe', 'Grüße'],
    ['Stra\u00dfe', 'Stra\ufffde'],
  ])('%j → %j', (input, expected) => {
    expect(decodeHeaderText(Buffer.from(input, 'latin1'))).toBe(expected);
  });

  it('accepts a JS string (UTF-8)', () => {
    expect(decodeHeaderText('Café =?UTF-8?Q?cr=C3=A8me?=')).toBe('Café crème');
  });

  it('is linear on hostile input', () => {
    const started = Date.now();
    decodeHeaderText(Buffer.from('=?'.repeat(300_000), 'latin1'));
    decodeHeaderText(Buffer.from('=?a?q?'.repeat(100_000), 'latin1'));
    decodeHeaderText(Buffer.from('=?a?b?c?= '.repeat(100_000), 'latin1'));
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
