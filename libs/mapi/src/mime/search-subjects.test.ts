import { describe, expect, it } from 'vitest';
import { parseHeaderBlock } from './header-parser.js';
import { searchSubjects } from './search-subjects.js';

const of = (header: string) =>
  searchSubjects(parseHeaderBlock(Buffer.from(`${header}\r\nbody`, 'latin1'), 0, null).fields);

describe('searchSubjects', () => {
  it.each([
    ['none', 'From: a@example.net\r\n', []],
    ['one', 'Subject: Hello\r\n', ['Hello']],
    ['every field, in order', 'Subject: first\r\nX: y\r\nsubject: second\r\n', ['first', 'second']],
    [
      'encoded words decoded, folding removed',
      'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n =?UTF-8?B?d8O2cmxk?= x\r\n',
      ['Grüßewörld x'],
    ],
    ['an empty value', 'Subject:\r\n', ['']],
    ['blanks before the colon (obsolete syntax)', 'Subject  : spaced\r\n', ['spaced']],
    ['raw 8-bit read as UTF-8', 'Subject: caf\xc3\xa9\r\n', ['café']],
    ['invalid UTF-8 replaced', 'Subject: a\xff\r\n', ['a\ufffd']],
    ['not a Subject field', 'Subjects: no\r\nX-Subject: no\r\n', []],
  ])('%s', (_name, header, expected) => {
    expect(of(header)).toEqual(expected);
  });
});
