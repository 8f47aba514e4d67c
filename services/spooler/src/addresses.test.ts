import { describe, expect, it } from 'vitest';
import { dedupAddresses, envelopeAddress, mailboxesOf } from './addresses.js';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('mailboxesOf', () => {
  it.each([
    ['bare', 'a@example.com', ['a@example.com']],
    ['display names and angle brackets', '"Doe, John" <john@x.org>, Jane <jane@y.org>', ['john@x.org', 'jane@y.org']],
    ['group', 'team: a@x.org, b@x.org;, c@x.org', ['a@x.org', 'b@x.org', 'c@x.org']],
    ['empty group', 'undisclosed-recipients:;', []],
    ['comment', 'a@x.org (Alice)', ['a@x.org']],
    ['quoted local part', '"john doe"@x.org', ['"john doe"@x.org']],
    ['missing domain dropped', 'alice, b@x.org', ['b@x.org']],
    ['garbage', '<<<>>>,,,@@@', []],
    ['empty', '', []],
    ['IP literal', 'root@[192.0.2.1]', ['root@[192.0.2.1]']],
    ['UTF-8 (SMTPUTF8)', 'jörg@bücher.example', ['jörg@bücher.example']],
    ['CRLF injection attempt stays out', 'a@x.org\r\nRCPT TO:<evil@y.org>', ['a@x.org']],
  ])('%s', (_name, value, expected) => {
    expect(mailboxesOf([b(value)])).toEqual(expected);
  });

  it('reads several fields in order', () => {
    expect(mailboxesOf([b('a@x.org'), b('b@x.org, a@x.org')])).toEqual(['a@x.org', 'b@x.org', 'a@x.org']);
  });
});

describe('envelopeAddress', () => {
  it.each([
    ['a', 'x.org', 'a@x.org'],
    ['a b', 'x.org', '"a b"@x.org'],
    ['a"b', 'x.org', '"a\\"b"@x.org'],
    ['a', 'bad domain', null],
    ['', 'x.org', null],
    ['MISSING_MAILBOX', 'x.org', null],
    ['a', 'SYNTAX_ERROR', null],
    ['a\r\n', 'x.org', null],
  ])('%s @ %s', (local, host, expected) => {
    expect(envelopeAddress(local, host)).toBe(expected);
  });
});

describe('dedupAddresses', () => {
  it('keeps the first spelling, ignores case', () => {
    expect(dedupAddresses(['A@X.org', 'b@x.org', 'a@x.ORG', 'B@x.org'])).toEqual(['A@X.org', 'b@x.org']);
  });
});
