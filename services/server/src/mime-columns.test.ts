/**
 * The indexed columns from @kgc/mapi's header split + mailparser's address parser must equal what
 * mailparser's simpleParser gives for the same header, on the real-world corpus and hostile cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMimeTree } from '@kgc/mapi';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { findMimeCorpus } from '../../../test/support/mime-corpus.js';
import { envelopeColumns, mimeColumns } from './mime-columns.js';

const FIXTURES = findMimeCorpus();

async function viaSimpleParser(raw: Buffer) {
  const m = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true });
  const from = m.from?.value.find((a) => a.address !== undefined);
  const list = (a: typeof m.to) => (a ? (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ') || null : null);
  return {
    subject: m.subject?.trim() || null,
    fromAddress: from?.address || null,
    fromName: from?.name || null,
    to: list(m.to),
    cc: list(m.cc),
    messageId: m.messageId || null,
    inReplyTo: m.inReplyTo || null,
  };
}

const hostile: Array<[string, string]> = [
  ['no header at all', 'just a body line\r\n'],
  [
    'encoded subject and name',
    'From: =?utf-8?Q?J=C3=B5geva?= <a@example.com>\r\nSubject: =?utf-8?B?w6TDtsO8?=\r\n\r\nx',
  ],
  ['group and empty To', 'From: a@example.com\r\nTo: Team: b@example.com, c@example.com;\r\nCc:\r\n\r\nx'],
  ['message-id without brackets', 'Message-ID: abc@example.com\r\nIn-Reply-To: <x@y>\r\n\r\n'],
  ['folded subject', 'Subject: one\r\n two\r\n\tthree\r\n\r\n'],
  ['repeated To', 'To: a@example.com\r\nTo: b@example.com\r\n\r\n'],
  ['8-bit UTF-8 subject', 'Subject: Grüße\r\nFrom: Jürgen <j@example.com>\r\n\r\n'],
  ['bare LF', 'Subject: lf only\nFrom: x@example.com\n\nbody'],
];

describe('mime columns', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'));
  it.each(files)('corpus %s: same columns as simpleParser', async (file) => {
    const raw = readFileSync(join(FIXTURES, file));
    const ours = envelopeColumns(raw, parseMimeTree(raw).fields);
    const { date: _d, ...rest } = ours;
    expect(rest).toEqual(await viaSimpleParser(raw));
  });

  it.each(hostile)('%s: same columns as simpleParser', async (_name, text) => {
    const raw = Buffer.from(text);
    const { date: _d, ...rest } = envelopeColumns(raw, parseMimeTree(raw).fields);
    expect(rest).toEqual(await viaSimpleParser(raw));
  });

  it('reads the Date header, and null for one that is not a date', async () => {
    const good = await mimeColumns(Buffer.from('Date: Mon, 04 Mar 2024 13:32:00 +0100\r\n\r\nx'));
    expect(good.envelope?.date).toBe(Date.UTC(2024, 2, 4, 12, 32));
    const bad = await mimeColumns(Buffer.from('Date: not a date\r\n\r\nx'));
    expect(bad.envelope?.date).toBeNull();
  });
});
