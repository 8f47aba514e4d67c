/** ENVELOPE and BODYSTRUCTURE serialisation cases. */
import { bodyStructureOf, envelopeOf, parseMimeTree } from '@kgc/mapi';
import { describe, expect, it } from 'vitest';
import { serializeBodyStructure, serializeEnvelope } from './fetch-writer.js';

const tree = (s: string) => parseMimeTree(Buffer.from(s, 'latin1'));
const bs = (s: string, extended: boolean) =>
  serializeBodyStructure(bodyStructureOf(tree(s), { extended }), extended).toString('latin1');

describe('serializeBodyStructure', () => {
  it.each<[string, string, string]>([
    ['no header', '\r\nhi\r\n', '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 4 1 NIL NIL NIL NIL)'],
    [
      'multipart without parts',
      'Content-Type: multipart/mixed\r\n\r\n',
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" NIL NIL NIL NIL)',
    ],
    [
      'extension data, 8-bit parameter as a literal',
      'MIME-Version: 1.0\r\nContent-Type: application/pdf; name="r\u00e9.pdf"\r\nContent-MD5: x\r\n' +
        'Content-Disposition: INLINE\r\nContent-Language: en, de\r\nContent-Location: a\r\n b\r\n\r\n',
      '("application" "pdf" ("name" {6}\r\nr\u00e9.pdf) NIL NIL "7bit" 0 "x" ("INLINE" NIL) ("en" "de") "a b")',
    ],
  ])('%s', (_title, input, expected) => {
    expect(bs(input, true)).toBe(expected);
  });

  it('leaves extension data out of BODY', () => {
    expect(bs('Content-Type: text/html; charset=utf-8\r\n\r\n<p>\r\n', false)).toBe(
      '("text" "html" ("charset" "utf-8") NIL NIL "7bit" 5 1)',
    );
  });
});

describe('serializeEnvelope', () => {
  it('writes NIL fields, defaults Sender and Reply-To to From, and unfolds the subject', () => {
    const env = envelopeOf(tree('From: A <a@x>\r\nSubject: one\r\n  two\r\nCc: g:;\r\n\r\n'));
    expect(serializeEnvelope(env).toString('latin1')).toBe(
      '(NIL {7}\r\none two (("A" NIL "a" "x")) (("A" NIL "a" "x")) (("A" NIL "a" "x")) NIL ' +
        '((NIL NIL "g" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)',
    );
  });
});
