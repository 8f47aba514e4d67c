import { describe, expect, it } from 'vitest';
import { EntryView, parseFlag, parseQuotaBytes, readFeatures, readQuota } from './ldap-entry.js';

describe('EntryView', () => {
  it('reads attributes case-insensitively and decodes buffers', () => {
    const entry = new EntryView({ dn: 'uid=a,dc=x', UID: 'a', mail: ['a@x', 'b@x'], jpegPhoto: Buffer.from('hi') });
    expect(entry.first('uid')).toBe('a');
    expect(entry.all('MAIL')).toEqual(['a@x', 'b@x']);
    expect(entry.first('jpegphoto')).toBe('hi');
    expect(entry.first('missing')).toBeNull();
    expect(entry.all('')).toEqual([]);
  });
});

describe('parseFlag (KGC atoi / parseBool)', () => {
  it.each([
    [null, false],
    ['0', false],
    ['1', true],
    ['2', true],
    ['-1', true],
    ['yes', true],
    ['TRUE', true],
    ['false', false],
    ['no', false],
    ['', false],
  ])('%j → %j', (value, expected) => {
    expect(parseFlag(value)).toBe(expected);
  });
});

describe('quota', () => {
  it('multiplies and treats junk as no limit', () => {
    expect(parseQuotaBytes('100', 1048576)).toBe(104857600);
    expect(parseQuotaBytes('100', 1)).toBe(100);
    expect(parseQuotaBytes('abc', 1)).toBe(0);
    expect(parseQuotaBytes('-5', 1)).toBe(0);
    expect(parseQuotaBytes(null, 1)).toBe(0);
  });

  it('is null without any quota attribute', () => {
    const attrs = { override: 'qo', warn: 'qw', soft: 'qs', hard: 'qh', multiplier: 2 };
    expect(readQuota(new EntryView({ dn: 'x' }), attrs)).toBeNull();
    expect(readQuota(new EntryView({ dn: 'x', qh: '5' }), attrs)).toEqual({
      override: false,
      warn: 0,
      soft: 0,
      hard: 10,
    });
  });
});

describe('readFeatures', () => {
  it('keeps known features once, case-insensitively', () => {
    expect(readFeatures(['POP3', 'imap', 'mobile', 'pop3'])).toEqual(['imap', 'pop3']);
  });
});
