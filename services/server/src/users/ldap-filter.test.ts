import { FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { and, equals, escapeDnValue, escapeFilterValue, or } from './ldap-filter.js';

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['*', '\\2a'],
    ['alice)(uid=*', 'alice\\29\\28uid=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['nul\0byte', 'nul\\00byte'],
    ['(x)', '\\28x\\29'],
    ['plain.name-1', 'plain.name-1'],
    ['jürgen', 'jürgen'],
  ])('%j → %j', (raw, escaped) => {
    expect(escapeFilterValue(raw)).toBe(escaped);
  });

  it('round-trips through the ldapts filter parser as one equality assertion', () => {
    for (const hostile of ['*', 'alice)(uid=*', '*)(|(uid=*', 'a\\2a', 'nul\0', 'x>=y', 'a~=b', 'a:dn:=b', 'jürgen']) {
      const parsed = FilterParser.parseString(equals('uid', hostile));
      expect(parsed.constructor.name).toBe('EqualityFilter');
      expect(parsed).toMatchObject({ attribute: 'uid', value: hostile });
    }
  });
});

describe('and / or', () => {
  it('drops empty parts and does not wrap a single part', () => {
    expect(and('(a=1)', '')).toBe('(a=1)');
    expect(and('(a=1)', '(b=2)')).toBe('(&(a=1)(b=2))');
    expect(or('(a=1)', '(b=2)', '')).toBe('(|(a=1)(b=2))');
  });
});

describe('escapeDnValue (RFC 4514)', () => {
  it.each([
    ['Smith, John', 'Smith\\, John'],
    ['a+b', 'a\\+b'],
    ['"quoted"', '\\"quoted\\"'],
    ['back\\slash', 'back\\\\slash'],
    ['<tag>;', '\\<tag\\>\\;'],
    ['#hash', '\\#hash'],
    [' lead and trail ', '\\ lead and trail\\ '],
    ['mid#dle', 'mid#dle'],
    ['nul\0', 'nul\\00'],
    ['k=v', 'k\\=v'],
  ])('%j → %j', (raw, escaped) => {
    expect(escapeDnValue(raw)).toBe(escaped);
  });
});
