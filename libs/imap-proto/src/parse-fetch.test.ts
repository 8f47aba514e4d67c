/** FETCH tables: every attribute, sections, partials, macros, modifiers, response names, and errors. */
import type { SectionText } from '@kgc/mapi';
import { describe, expect, it } from 'vitest';
import { ImapCommandFramer } from './command-framer.js';
import type { FetchAttribute, FetchCommand } from './command-types.js';
import { ImapParseError } from './errors.js';
import { parseCommand } from './parse-command.js';
import { fetchResponseName, fetchSetsSeen, formatSection } from './parse-fetch.js';
import { parseSequenceSet } from './sequence-set.js';

function fetch(wire: string): FetchCommand {
  const framer = new ImapCommandFramer();
  framer.push(Buffer.from(wire, 'latin1'));
  let e = framer.next();
  while (e?.type === 'continue') e = framer.next();
  if (e?.type !== 'command') throw new Error('not framed');
  const cmd = parseCommand(e.command);
  if (cmd.name !== 'FETCH') throw new Error('not FETCH');
  return cmd;
}

function fetchError(wire: string): ImapParseError {
  try {
    fetch(wire);
  } catch (e) {
    if (e instanceof ImapParseError) return e;
    throw e;
  }
  throw new Error('parsed');
}

const body = (
  part: string,
  text: SectionText,
  peek = false,
  partial: { offset: number; length?: number } | null = null,
): FetchAttribute => ({ kind: 'BODY[]', peek, section: { part, text }, partial });

describe('FETCH attributes', () => {
  it.each<[string, FetchAttribute[], string[]]>([
    ['FLAGS', [{ kind: 'FLAGS' }], ['FLAGS']],
    ['(UID FLAGS)', [{ kind: 'UID' }, { kind: 'FLAGS' }], ['UID', 'FLAGS']],
    [
      '(internaldate rfc822.size envelope body bodystructure rfc822 rfc822.header rfc822.text modseq)',
      [
        { kind: 'INTERNALDATE' },
        { kind: 'RFC822.SIZE' },
        { kind: 'ENVELOPE' },
        { kind: 'BODY' },
        { kind: 'BODYSTRUCTURE' },
        { kind: 'RFC822' },
        { kind: 'RFC822.HEADER' },
        { kind: 'RFC822.TEXT' },
        { kind: 'MODSEQ' },
      ],
      [
        'INTERNALDATE',
        'RFC822.SIZE',
        'ENVELOPE',
        'BODY',
        'BODYSTRUCTURE',
        'RFC822',
        'RFC822.HEADER',
        'RFC822.TEXT',
        'MODSEQ',
      ],
    ],
    ['BODY[]', [body('', { kind: 'full' })], ['BODY[]']],
    ['BODY.PEEK[]', [body('', { kind: 'full' }, true)], ['BODY[]']],
    ['body[header]', [body('', { kind: 'header' })], ['BODY[HEADER]']],
    ['BODY[TEXT]<0.2048>', [body('', { kind: 'text' }, false, { offset: 0, length: 2048 })], ['BODY[TEXT]<0>']],
    ['BODY.PEEK[]<100.50>', [body('', { kind: 'full' }, true, { offset: 100, length: 50 })], ['BODY[]<100>']],
    ['BODY[1]', [body('1', { kind: 'full' })], ['BODY[1]']],
    ['BODY[1.2.3]', [body('1.2.3', { kind: 'full' })], ['BODY[1.2.3]']],
    ['BODY[2.MIME]', [body('2', { kind: 'mime' })], ['BODY[2.MIME]']],
    ['BODY[4.2.HEADER]', [body('4.2', { kind: 'header' })], ['BODY[4.2.HEADER]']],
    ['BODY[3.text]', [body('3', { kind: 'text' })], ['BODY[3.TEXT]']],
    [
      'BODY.PEEK[HEADER.FIELDS (From To Subject Date Message-ID)]',
      [body('', { kind: 'header-fields', fields: ['From', 'To', 'Subject', 'Date', 'Message-ID'], not: false }, true)],
      ['BODY[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)]'],
    ],
    [
      'BODY[1.HEADER.FIELDS.NOT ("X-Spam" {8}\r\nReceived)]',
      [body('1', { kind: 'header-fields', fields: ['X-Spam', 'Received'], not: true })],
      ['BODY[1.HEADER.FIELDS.NOT (X-SPAM RECEIVED)]'],
    ],
    [
      'BINARY.PEEK[1]<0.10>',
      [{ kind: 'BINARY', peek: true, part: '1', partial: { offset: 0, length: 10 } }],
      ['BINARY[1]<0>'],
    ],
    ['BINARY[]', [{ kind: 'BINARY', peek: false, part: '', partial: null }], ['BINARY[]']],
    ['BINARY.SIZE[2.1]', [{ kind: 'BINARY.SIZE', part: '2.1' }], ['BINARY.SIZE[2.1]']],
    ['(FLAGS FLAGS BODY[] BODY[])', [{ kind: 'FLAGS' }, body('', { kind: 'full' })], ['FLAGS', 'BODY[]']],
  ])('FETCH 1 %s', (items, attributes, names) => {
    const cmd = fetch(`a FETCH 1 ${items}\r\n`);
    expect(cmd).toEqual({
      tag: 'a',
      name: 'FETCH',
      uid: false,
      sequenceSet: parseSequenceSet('1'),
      attributes,
      macro: null,
      changedSince: null,
      vanished: false,
    });
    expect(cmd.attributes.map(fetchResponseName)).toEqual(names);
  });

  it.each<[string, string[]]>([
    ['ALL', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']],
    ['fast', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']],
    ['FULL', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']],
  ])('macro %s', (macro, kinds) => {
    const cmd = fetch(`a FETCH 1:* ${macro}\r\n`);
    expect(cmd.macro).toBe(macro.toUpperCase());
    expect(cmd.attributes.map((a) => a.kind)).toEqual(kinds);
  });

  it('UID FETCH answers UID first', () => {
    const cmd = fetch('a UID FETCH 1:* (FLAGS UID RFC822.SIZE)\r\n');
    expect(cmd.uid).toBe(true);
    expect(cmd.attributes.map((a) => a.kind)).toEqual(['UID', 'FLAGS', 'RFC822.SIZE']);
  });

  it.each<[string, Partial<FetchCommand>, string[]]>([
    [
      's100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)',
      { uid: true, changedSince: 12345, vanished: false },
      ['UID', 'FLAGS', 'MODSEQ'],
    ],
    [
      'a UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)',
      { uid: true, changedSince: 12345, vanished: true },
      ['UID', 'FLAGS', 'MODSEQ'],
    ],
    ['a FETCH 1 (FLAGS MODSEQ) (CHANGEDSINCE 0)', { changedSince: 0 }, ['FLAGS', 'MODSEQ']],
  ])('%s', (wire, expected, kinds) => {
    const cmd = fetch(`${wire}\r\n`);
    expect(cmd).toMatchObject(expected);
    expect(cmd.attributes.map((a) => a.kind)).toEqual(kinds);
  });

  it.each<[string, boolean]>([
    ['BODY[]', true],
    ['BODY.PEEK[]', false],
    ['BINARY[]', true],
    ['BINARY.PEEK[]', false],
    ['RFC822', true],
    ['RFC822.TEXT', true],
    ['RFC822.HEADER', false],
    ['FLAGS', false],
  ])('%s sets \\Seen: %s', (item, expected) => {
    const [attribute] = fetch(`a FETCH 1 ${item}\r\n`).attributes;
    expect(fetchSetsSeen(attribute as FetchAttribute)).toBe(expected);
  });

  it('formats sections with awkward field names as strings', () => {
    expect(formatSection({ part: '', text: { kind: 'header-fields', fields: ['x(y'], not: false } })).toBe(
      'HEADER.FIELDS ("X(Y")',
    );
  });
});

describe('FETCH errors', () => {
  it.each<[string, RegExp]>([
    ['a FETCH 1\r\n', /Expected a space/],
    ['a FETCH 1 \r\n', /Expected a fetch attribute/],
    ['a FETCH 0 FLAGS\r\n', /number 0/],
    ['a FETCH * FOO\r\n', /Unknown fetch attribute FOO/],
    ['a FETCH 1 ()\r\n', /Empty fetch attribute list/],
    ['a FETCH 1 (FLAGS\r\n', /Expected a space/],
    ['a FETCH 1 (FLAGS ALL)\r\n', /Unknown fetch attribute ALL/],
    ['a FETCH 1 ALL FLAGS\r\n', /Expected fetch modifiers/],
    ['a FETCH 1 BODY.PEEK\r\n', /BODY.PEEK needs a section/],
    ['a FETCH 1 BODY[\r\n', /Invalid section ""/],
    ['a FETCH 1 BODY[0]\r\n', /must not be 0/],
    ['a FETCH 1 BODY[1.0]\r\n', /must not be 0/],
    ['a FETCH 1 BODY[MIME]\r\n', /Invalid section "MIME"/],
    ['a FETCH 1 BODY[HEADERS]\r\n', /Invalid section "HEADERS"/],
    ['a FETCH 1 BODY[1.]\r\n', /Invalid section ""/],
    ['a FETCH 1 BODY[1.2.3.4.]\r\n', /Invalid section ""/],
    ['a FETCH 1 BODY[HEADER.FIELDS]\r\n', /Expected a space/],
    ['a FETCH 1 BODY[HEADER.FIELDS ()]\r\n', /Empty header field list/],
    ['a FETCH 1 BODY[HEADER.FIELDS (a:b)]\r\n', /Invalid header field name/],
    ['a FETCH 1 BODY[HEADER.FIELDS (From]\r\n', /Expected a space/],
    ['a FETCH 1 BODY[TEXT\r\n', /Expected "]"/],
    ['a FETCH 1 BODY[]<0.0>\r\n', /must not be 0/],
    ['a FETCH 1 BODY[]<1>\r\n', /Expected "\."/],
    ['a FETCH 1 BODY[]<1.2\r\n', /Expected ">"/],
    ['a FETCH 1 BODY[]<4294967296.1>\r\n', /out of range/],
    ['a FETCH 1 BINARY[TEXT]\r\n', /Expected "]"/],
    ['a FETCH 1 BINARY.SIZE[1]<0.1>\r\n', /Unexpected "<0.1>"/],
    ['a FETCH 1 FLAGS (VANISHED)\r\n', /VANISHED is only allowed with UID FETCH/],
    ['a UID FETCH 1 FLAGS (VANISHED)\r\n', /VANISHED needs CHANGEDSINCE/],
    ['a FETCH 1 FLAGS (CHANGEDSINCE)\r\n', /Expected a space/],
    ['a FETCH 1 FLAGS (FOO)\r\n', /Unknown fetch modifier/],
    ['a FETCH 1 FLAGS ()\r\n', /Empty fetch modifiers/],
  ])('%j -> %s', (wire, message) => {
    const error = fetchError(wire);
    expect(error.message).toMatch(message);
    expect(error.tag).toBe('a');
    expect(error.status).toBe('BAD');
  });

  it('limits the number of attributes', () => {
    const items = Array.from({ length: 201 }, () => 'FLAGS').join(' ');
    expect(fetchError(`a FETCH 1 (${items})\r\n`).code).toBe('LIMIT');
  });
});
