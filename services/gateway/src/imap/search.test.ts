/** SearchEvaluator: the same answer whether a message's data is loaded already or has to be fetched. */
import type { SearchKey } from '@kgc/imap-proto';
import { describe, expect, it } from 'vitest';
import { headerFieldsOf, subjectsOf } from '../store/header-cache.js';
import { SearchEvaluator, type SearchTarget } from './search.js';

const RAW = Buffer.from(
  'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= first\r\nSubject: second\r\nFrom: Ann <ann@example.net>\r\n' +
    'Date: Mon, 4 Mar 2024 13:32:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe body says hello.\r\n',
);
const headers = headerFieldsOf(RAW);

function target(loaded: boolean, gone = false): { t: SearchTarget; fetched: string[] } {
  const fetched: string[] = [];
  const fetch = <T>(what: string, v: T) => {
    fetched.push(what);
    return gone ? Promise.reject(new Error('message gone')) : Promise.resolve(v);
  };
  const t: SearchTarget = {
    seq: 1,
    entry: { uid: 7, messageId: 70, modseq: 3, flags: ['\\Seen'], size: RAW.length, internalDate: new Date() },
    recent: false,
    loaded: {
      subjects: () => (loaded ? subjectsOf(headers) : undefined),
      headers: () => (loaded ? headers : undefined),
      raw: () => (loaded ? RAW : undefined),
    },
    subjects: () => fetch('subjects', subjectsOf(headers)),
    headers: () => fetch('headers', headers),
    raw: () => fetch('raw', RAW),
  };
  return { t, fetched };
}

const text = (key: 'SUBJECT' | 'FROM' | 'BODY' | 'TEXT', value: string): SearchKey => ({ key, value });
const seen: SearchKey = { key: 'FLAG', flag: '\\Seen', set: true };

describe('SearchEvaluator', () => {
  it.each<[string, SearchKey, boolean, string[]]>([
    ['flags only: nothing fetched', seen, true, []],
    ['SUBJECT, the second field', text('SUBJECT', 'SECOND'), true, ['subjects']],
    ['SUBJECT, decoded', text('SUBJECT', 'grüße'), true, ['subjects']],
    ['SUBJECT, no match', text('SUBJECT', 'hello'), false, ['subjects']],
    ['FROM', text('FROM', 'ann@'), true, ['headers']],
    ['BODY', text('BODY', 'says hello'), true, ['raw']],
    ['TEXT in the header', text('TEXT', 'first'), true, ['headers']],
    ['TEXT in the body', text('TEXT', 'says'), true, ['headers', 'raw']],
    ['NOT', { key: 'NOT', operand: text('SUBJECT', 'hello') }, true, ['subjects']],
    [
      'OR: the right side needs the body',
      { key: 'OR', left: text('SUBJECT', 'x'), right: text('BODY', 'hello') },
      true,
      ['subjects', 'raw'],
    ],
    [
      'AND stops at the first miss',
      { key: 'AND', operands: [text('SUBJECT', 'x'), text('BODY', 'hello')] },
      false,
      ['subjects'],
    ],
  ])('%s', async (_name, key, expected, fetches) => {
    const evaluator = new SearchEvaluator(1, 7);
    const now = target(true);
    expect(evaluator.matches(now.t, key)).toBe(expected); // synchronous: no promise
    expect(now.fetched).toEqual([]);
    const later = target(false);
    expect(await evaluator.matches(later.t, key)).toBe(expected);
    expect(later.fetched).toEqual(fetches);
  });

  it('rejects when the message is gone meanwhile', async () => {
    const { t } = target(false, true);
    await expect(new SearchEvaluator(1, 7).matches(t, text('SUBJECT', 'x'))).rejects.toThrow('message gone');
  });
});
