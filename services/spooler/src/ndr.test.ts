import { parseMimeTree } from '@kgc/mapi';
import { describe, expect, it } from 'vitest';
import { buildNdr, statusOf } from './ndr.js';

const original = Buffer.from('From: a@x.org\r\nTo: b@y.org\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n\r\nhello\r\n');

const input = {
  hostname: 'mx.example',
  to: 'a@x.org',
  remoteMta: 'relay:25',
  arrival: new Date(Date.UTC(2026, 0, 1)),
  now: new Date(Date.UTC(2026, 0, 2)),
  failed: [
    { rcpt: 'b@y.org', code: 550, text: '5.1.1 <b@y.org>: no such user' },
    { rcpt: 'c@y.org', code: 554, text: 'rejected' },
  ],
  original,
  originalHeader: original.subarray(0, original.indexOf('\r\n\r\n') + 2),
  originalSubject: '=?utf-8?q?caf=C3=A9?=',
  key: 'k1',
};

describe('statusOf', () => {
  it.each([
    [550, '5.1.1 no such user', '5.1.1'],
    [550, '550 5.7.1 denied', '5.7.1'],
    [554, 'rejected', '5.0.0'],
    [452, 'full', '4.0.0'],
    [0, 'refused by us', '5.0.0'],
    [550, '5.1.1x not a code', '5.0.0'],
  ])('%d %s', (code, text, status) => {
    expect(statusOf({ rcpt: 'r@x', code, text })).toBe(status);
  });
});

describe('buildNdr', () => {
  it('is a multipart/report with one delivery-status block per failed recipient and the original attached', () => {
    const ndr = buildNdr(input);
    const text = ndr.toString('utf8');
    expect(text).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@mx\.example>\r\n/);
    expect(text).toContain('Subject: Undelivered Mail Returned to Sender: =?utf-8?q?caf=C3=A9?=\r\n');
    expect(text).toContain('Auto-Submitted: auto-replied\r\n');
    expect(text).toContain('Reporting-MTA: dns; mx.example\r\n');
    expect(text).toContain(
      'Final-Recipient: rfc822; b@y.org\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; relay:25\r\nDiagnostic-Code: smtp; 550 5.1.1 <b@y.org>: no such user',
    );
    expect(text).toContain('Final-Recipient: rfc822; c@y.org\r\nAction: failed\r\nStatus: 5.0.0');
    const tree = parseMimeTree(ndr);
    expect(tree.mediaType).toBe('multipart/report');
    expect(tree.children.map((c) => c.mediaType)).toEqual(['text/plain', 'message/delivery-status', 'message/rfc822']);
    expect(ndr.includes(original)).toBe(true);
  });

  it('is the same message for the same failure (stable Message-ID), and keeps hostile text out of the header', () => {
    const hostile = { ...input, failed: [{ rcpt: 'x@y\r\nBcc: evil@z', code: 550, text: 'bad\r\nX-Injected: 1' }] };
    const text = buildNdr(hostile).toString('utf8');
    expect(text).not.toMatch(/^Bcc: evil/m);
    expect(text).not.toMatch(/^X-Injected/m);
    const id = (s: string) => /^Message-ID: (.*)$/m.exec(s)?.[1];
    expect(id(buildNdr(input).toString())).toBe(id(buildNdr({ ...input, now: new Date() }).toString()));
  });

  it('attaches only the header of a large original', () => {
    const big = Buffer.concat([input.originalHeader, Buffer.from('\r\n'), Buffer.alloc(11 * 1024 * 1024, 0x61)]);
    const ndr = buildNdr({ ...input, original: big });
    expect(ndr.toString('latin1')).toContain('Content-Type: text/rfc822-headers');
    expect(ndr.length).toBeLessThan(64 * 1024);
  });
});
