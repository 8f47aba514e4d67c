import { describe, expect, it } from 'vitest';
import { headerValues, isSpam, rfc5322Date, traceHeaders } from './headers.js';

const msg = (s: string) => Buffer.from(s, 'latin1');

describe('headerValues', () => {
  it('finds every field of a name, case-insensitively, unfolded, in the header only', () => {
    const m = msg(
      'Subject: a\r\nX-Spam-Status: Yes,\r\n score=7\r\nx-spam-status: second\r\n\r\nX-Spam-Status: body\r\n',
    );
    expect(headerValues(m, 'X-SPAM-STATUS')).toEqual(['Yes, score=7', 'second']);
  });

  it('reads bare-LF headers and a message without a body', () => {
    expect(headerValues(msg('A: 1\nB: 2\n\nA: 3'), 'a')).toEqual(['1']);
    expect(headerValues(msg('A: 1\r\nA: 2'), 'a')).toEqual(['1', '2']);
    expect(headerValues(msg(''), 'a')).toEqual([]);
    expect(headerValues(msg('no colon line\r\n: empty name\r\nA: ok\r\n'), 'a')).toEqual(['ok']);
  });
});

describe('isSpam (KGC: the header contains spam_header_value)', () => {
  const spam = msg('X-Spam-Status: Yes, score=9.1\r\n\r\n');
  const ham = msg('X-Spam-Status: No, score=0.1\r\n\r\n');
  it.each([
    [spam, 'X-Spam-Status', 'Yes,', true],
    [ham, 'X-Spam-Status', 'Yes,', false],
    [spam, 'x-spam-status', 'yes,', true],
    [spam, 'X-Spam-Flag', 'YES', false],
    [spam, '', 'Yes,', false],
    [spam, 'X-Spam-Status', '', false],
  ])('%#', (m, name, value, expected) => {
    expect(isSpam(m, name, value)).toBe(expected);
  });
});

describe('trace headers', () => {
  const date = new Date(Date.UTC(2024, 2, 4, 12, 32, 5));
  it('formats RFC 5322 dates in UTC', () => {
    expect(rfc5322Date(date)).toBe('Mon, 04 Mar 2024 12:32:05 +0000');
  });

  it('Return-Path and Received, CRLF-terminated; client values cannot break the lines', () => {
    const t = traceHeaders({
      sender: 'a@b.example',
      helo: 'mx\r\nX-Injected: 1',
      clientHost: '[127.0.0.1]',
      clientAddress: '127.0.0.1',
      by: 'lmtp.test',
      protocol: 'LMTP',
      id: 'abc.1',
      for: 'u@example.com',
      date,
    }).toString();
    expect(t).toBe(
      'Return-Path: <a@b.example>\r\n' +
        'Received: from mxX-Injected: 1 (127.0.0.1 [127.0.0.1])\r\n' +
        '\tby lmtp.test (KGC-TS dagent) with LMTP id abc.1\r\n' +
        '\tfor <u@example.com>; Mon, 04 Mar 2024 12:32:05 +0000\r\n',
    );
  });

  it('the null sender, and CLI mode (no sender, no client)', () => {
    expect(traceHeaders({ sender: '', by: 'h', protocol: 'LMTP', id: '1', date }).toString()).toMatch(
      /^Return-Path: <>\r\nReceived: by h /,
    );
    expect(traceHeaders({ by: 'h', protocol: 'local', id: '1', date }).toString()).toBe(
      'Received: by h (KGC-TS dagent) with local id 1; Mon, 04 Mar 2024 12:32:05 +0000\r\n',
    );
  });
});
