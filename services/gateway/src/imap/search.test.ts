/** SearchEvaluator: the same answer whether a message's data is loaded already or has to be fetched. */
import type { SearchKey } from '@kgc/imap-proto';
import { bodyTextMatches } from '@kgc/mapi';
import { describe, expect, it } from 'vitest';
import { headerFieldsOf, subjectsOf } from '../store/header-cache.js';
import { bodyTexts, SearchEvaluator, type SearchTarget } from './search.js';

const RAW = Buffer.from(
  'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= first\r\nSubject: second\r\nFrom: Ann <ann@example.net>\r\n' +
    'Date: Mon, 4 Mar 2024 13:32:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe body says hello.\r\n',
);
const headers = headerFieldsOf(RAW);

function target(key: SearchKey, loaded: boolean, gone = false): { t: SearchTarget; fetched: string[] } {
  const fetched: string[] = [];
  const matches = new Set(bodyTextMatches(RAW, [...bodyTexts(key)]));
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
      bodyMatches: () => (loaded ? matches : undefined),
    },
    subjects: () => fetch('subjects', subjectsOf(headers)),
    headers: () => fetch('headers', headers),
    bodyMatches: () => fetch('body', matches),
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
    ['BODY', text('BODY', 'says hello'), true, ['body']],
    ['BODY, case-insensitive', text('BODY', 'SAYS HELLO'), true, ['body']],
    ['BODY, not in the header', text('BODY', 'first'), false, ['body']],
    ['TEXT in the header', text('TEXT', 'first'), true, ['headers']],
    ['TEXT in the body', text('TEXT', 'says'), true, ['headers', 'body']],
    ['NOT', { key: 'NOT', operand: text('SUBJECT', 'hello') }, true, ['subjects']],
    [
      'OR: the right side needs the body',
      { key: 'OR', left: text('SUBJECT', 'x'), right: text('BODY', 'hello') },
      true,
      ['subjects', 'body'],
    ],
    [
      'AND stops at the first miss',
      { key: 'AND', operands: [text('SUBJECT', 'x'), text('BODY', 'hello')] },
      false,
      ['subjects'],
    ],
  ])('%s', async (_name, key, expected, fetches) => {
    const evaluator = new SearchEvaluator(1, 7);
    const now = target(key, true);
    expect(evaluator.matches(now.t, key)).toBe(expected); // synchronous: no promise
    expect(now.fetched).toEqual([]);
    const later = target(key, false);
    expect(await evaluator.matches(later.t, key)).toBe(expected);
    expect(later.fetched).toEqual(fetches);
  });

  it('collects the texts of BODY and TEXT keys, nested ones too, once each', () => {
    const key: SearchKey = {
      key: 'AND',
      operands: [
        text('BODY', 'a'),
        { key: 'OR', left: text('TEXT', 'b'), right: { key: 'NOT', operand: text('BODY', 'a') } },
        text('SUBJECT', 'c'),
      ],
    };
    expect([...bodyTexts(key)]).toEqual(['a', 'b']);
  });

  it('rejects when the message is gone meanwhile', async () => {
    const { t } = target(seen, false, true);
    await expect(new SearchEvaluator(1, 7).matches(t, text('SUBJECT', 'x'))).rejects.toThrow('message gone');
  });
});
