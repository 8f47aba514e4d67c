import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMimeCorpus } from '../../../../test/support/mime-corpus.js';
import { headerBlock } from './header-block.js';
import { parseMimeTree } from './mime-parser.js';
import { headerSectionOf, parseSection, type SectionSpec, sectionOf } from './section.js';

describe('parseSection', () => {
  it.each<[string, SectionSpec | null]>([
    ['', { part: '', text: { kind: 'full' } }],
    ['HEADER', { part: '', text: { kind: 'header' } }],
    ['header', { part: '', text: { kind: 'header' } }],
    ['TEXT', { part: '', text: { kind: 'text' } }],
    ['1', { part: '1', text: { kind: 'full' } }],
    ['1.2.3', { part: '1.2.3', text: { kind: 'full' } }],
    ['2.MIME', { part: '2', text: { kind: 'mime' } }],
    ['2.1.HEADER', { part: '2.1', text: { kind: 'header' } }],
    ['2.TEXT', { part: '2', text: { kind: 'text' } }],
    [
      'HEADER.FIELDS (From To "Message-ID")',
      { part: '', text: { kind: 'header-fields', fields: ['From', 'To', 'Message-ID'], not: false } },
    ],
    ['3.header.fields.not (X-A)', { part: '3', text: { kind: 'header-fields', fields: ['X-A'], not: true } }],
    ['HEADER.FIELDS ("a\\"b")', { part: '', text: { kind: 'header-fields', fields: ['a"b'], not: false } }],
    // invalid: IMAP BAD
    ['MIME', null],
    ['0', null],
    ['1.0', null],
    ['01', null],
    ['1.', null],
    ['.1', null],
    ['1..2', null],
    ['1.FOO', null],
    ['BODY', null],
    ['HEADER.FIELDS ()', null],
    ['HEADER.FIELDS From', null],
    ['HEADER.FIELDS (From', null],
    ['HEADER.FIELDS (a(b)', null],
    ['HEADER.FIELDS ("unterminated)', null],
    ['HEADER.FIELDS', null],
    ['TEXT ', null],
  ])('%j', (input, expected) => {
    expect(parseSection(input)).toEqual(expected);
  });
});

describe('sectionOf', () => {
  const raw = Buffer.from('From: a@b\nX-A: one\n two\nSubject: s\nX-A: again\n\n--prelude\n', 'latin1');
  const tree = parseMimeTree(raw);
  const get = (section: string, partial?: { offset: number; length?: number }) =>
    sectionOf(raw, tree, section, partial)?.toString('latin1') ?? null;

  it('sends bare LF as CRLF', () => {
    expect(get('HEADER')).toBe('From: a@b\r\nX-A: one\r\n two\r\nSubject: s\r\nX-A: again\r\n\r\n');
    expect(get('TEXT')).toBe('--prelude\r\n');
    expect(get('1')).toBe('--prelude\r\n');
    expect(get('1.MIME')).toBe(get('HEADER'));
  });

  it('filters header fields, keeping every occurrence and its folding', () => {
    expect(get('HEADER.FIELDS (x-a)')).toBe('X-A: one\r\n two\r\nX-A: again\r\n\r\n');
    expect(get('HEADER.FIELDS.NOT (X-A FROM)')).toBe('Subject: s\r\n\r\n');
    expect(get('HEADER.FIELDS (Nothing)')).toBe('\r\n');
  });

  it('applies partials to the converted octets', () => {
    expect(get('TEXT', { offset: 0, length: 3 })).toBe('--p');
    expect(get('HEADER', { offset: 9, length: 3 })).toBe('\r\nX');
    expect(get('TEXT', { offset: 100, length: 3 })).toBe('');
    expect(get('TEXT', { offset: 2 })).toBe('prelude\r\n');
  });

  it('answers empty for parts that do not exist and HEADER/TEXT of non-message parts', () => {
    expect(get('2')).toBe('');
    expect(get('1.1.1')).toBe('');
    expect(get('1.HEADER')).toBe('');
    expect(get('1.TEXT')).toBe('');
  });

  it('returns null for invalid section syntax', () => {
    expect(get('1.BOGUS')).toBeNull();
    expect(get('MIME')).toBeNull();
  });

  it('sends NUL as 0x80 and ends a header field without line end with CRLF', () => {
    const r = Buffer.from('Subject: a\u0000b', 'latin1');
    const t = parseMimeTree(r);
    expect(sectionOf(r, t, 'HEADER.FIELDS (SUBJECT)')?.toString('latin1')).toBe('Subject: a\u0080b\r\n\r\n');
    expect(sectionOf(r, t, '')?.toString('latin1')).toBe('Subject: a\u0080b');
  });

  it('gives the empty line before a boundary to the boundary (MIME of an empty part is "")', () => {
    const r = Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--b--\r\n', 'latin1');
    const t = parseMimeTree(r);
    expect(sectionOf(r, t, '1.MIME')?.toString('latin1')).toBe('');
    expect(sectionOf(r, t, '1')?.toString('latin1')).toBe('');
    expect(sectionOf(r, t, 'TEXT')?.toString('latin1')).toBe('--b\r\n\r\n--b--\r\n');
  });
});

describe('headerSectionOf', () => {
  const shapes: Array<[string, string]> = [
    ['CRLF', 'Subject: a\r\nFrom: b@example.com\r\nX-A: 1\r\n\r\nbody\r\n\r\nmore\r\n'],
    ['bare LF', 'Subject: a\nFrom: b\n\nbody\n'],
    ['no body', 'Subject: a\r\nFrom: b\r\n'],
    ['no line end at all', 'Subject: a'],
    ['starts with the empty line', '\r\nbody\r\n'],
    ['empty', ''],
    ['folded, repeated, NUL', 'Subject: a\r\n b\r\nsubject: again\r\nX-N: a\u0000b\r\n\r\nbody'],
    [
      'multipart',
      'Content-Type: multipart/mixed; boundary="b"\r\nSubject: m\r\n\r\n--b\r\nX-Part: 1\r\n\r\np\r\n--b--\r\n',
    ],
    ['obsolete syntax', 'Subject : spaced\r\nNoColonLine\r\nFrom:x\r\n\r\n'],
  ];
  const sections = [
    'HEADER',
    'HEADER.FIELDS (SUBJECT FROM)',
    'HEADER.FIELDS.NOT (SUBJECT)',
    'HEADER.FIELDS (X-PART)',
    'HEADER.FIELDS (NOCOLONLINE)',
  ];
  it.each(shapes)('%s: the same bytes as sectionOf, from the message or its header block', (_name, text) => {
    const raw = Buffer.from(text, 'latin1');
    const tree = parseMimeTree(raw);
    for (const s of sections) {
      const spec = parseSection(s) as SectionSpec;
      for (const partial of [undefined, { offset: 0, length: 5 }, { offset: 3 }]) {
        const expected = sectionOf(raw, tree, spec, partial);
        expect(headerSectionOf(raw, spec, partial)).toEqual(expected);
        expect(headerSectionOf(headerBlock(raw), spec, partial)).toEqual(expected);
      }
    }
  });
  it('answers nothing for other sections', () => {
    const raw = Buffer.from('Subject: a\r\n\r\nb');
    for (const s of ['', 'TEXT', '1', '1.HEADER', '1.MIME']) {
      expect(headerSectionOf(raw, parseSection(s) as SectionSpec)).toBeNull();
    }
  });
});

describe('headerSectionOf on the MIME corpus (../shared/fixtures/mime)', () => {
  it('answers every top-level header section of every message as sectionOf does', () => {
    const dir = findMimeCorpus();
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const raw = readFileSync(join(dir, f));
      const tree = parseMimeTree(raw);
      const block = headerBlock(raw);
      for (const s of [
        'HEADER',
        'HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID CONTENT-TYPE)',
        'HEADER.FIELDS.NOT (RECEIVED)',
      ]) {
        const spec = parseSection(s) as SectionSpec;
        expect(headerSectionOf(block, spec), `${f} ${s}`).toEqual(sectionOf(raw, tree, spec));
      }
    }
  });
});
