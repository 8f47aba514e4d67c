/** Modified UTF-7 mailbox names: RFC 3501 examples, round trips, and every malformed form refused. */
import { describe, expect, it } from 'vitest';
import { ImapParseError } from './errors.js';
import { decodeModifiedUtf7, encodeModifiedUtf7, isModifiedUtf7 } from './modified-utf7.js';

describe('modified UTF-7', () => {
  it.each<[string, string]>([
    ['INBOX', 'INBOX'],
    ['', ''],
    ['Tom & Jerry', 'Tom &- Jerry'],
    ['&', '&-'],
    // RFC 3501 §5.1.3 example
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['Entwürfe', 'Entw&APw-rfe'],
    ['Отправленные', '&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-'],
    ['😀', '&2D3eAA-'],
    ['a😀b€', 'a&2D3eAA-b&IKw-'],
    ['tab\there', 'tab&AAk-here'],
    ['Gelöschte Elemente', 'Gel&APY-schte Elemente'],
  ])('%j <-> %j', (unicode, wire) => {
    expect(encodeModifiedUtf7(unicode)).toBe(wire);
    expect(decodeModifiedUtf7(wire)).toBe(unicode);
  });

  it.each<[string, RegExp]>([
    ['Entw\u00fcrfe', /outside printable/],
    ['a\u0000b', /outside printable/],
    ['a\tb', /outside printable/],
    ['&U,BTFw', /unterminated/],
    ['&AGE-', /printable US-ASCII inside/],
    ['&U,A-&U,A-', /adjacent/],
    ['&U,B-', /padding/],
    ['&AA-', /padding/],
    ['&A-', /padding/],
    ['&2D0-', /unpaired surrogate/],
    ['&3gA-', /unpaired surrogate/],
    ['&2D3YPQ-', /unpaired surrogate/],
    ['&U/A-', /"\/" in an encoded run/],
    ['&U=A-', /"=" in an encoded run/],
  ])('rejects %j', (wire, message) => {
    expect(() => decodeModifiedUtf7(wire)).toThrow(ImapParseError);
    expect(() => decodeModifiedUtf7(wire)).toThrow(message);
    expect(isModifiedUtf7(wire)).toBe(false);
  });

  it('round-trips every BMP character class and astral planes', () => {
    const samples = ['\u0080', '\u00ff', '\u0100', '\u07ff', '\u0800', '\ufffd', '\uffff', '\u{10000}', '\u{10ffff}'];
    for (const s of samples) {
      for (const name of [s, `x${s}`, `${s}${s}${s}`, `a${s}b${s}&c`]) {
        expect(decodeModifiedUtf7(encodeModifiedUtf7(name))).toBe(name);
      }
    }
  });
});
