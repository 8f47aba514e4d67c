/** Sequence sets: parsing (0, huge numbers, stray characters), resolving against a maximum, matching, formatting. */
import { describe, expect, it } from 'vitest';
import { ImapParseError } from './errors.js';
import {
  countSequenceSet,
  formatNumberSet,
  formatSequenceSet,
  isSequenceSet,
  iterateSequenceSet,
  parseSequenceSet,
  resolveSequenceSet,
  sequenceSetHas,
  sequenceSetMatcher,
  sequenceSetUsesStar,
} from './sequence-set.js';

describe('parseSequenceSet', () => {
  it.each<[string, [number | '*', number | '*'][]]>([
    ['1', [[1, 1]]],
    ['*', [['*', '*']]],
    ['1:*', [[1, '*']]],
    ['*:4', [['*', 4]]],
    ['5:2', [[5, 2]]],
    [
      '1,3:5,7:*',
      [
        [1, 1],
        [3, 5],
        [7, '*'],
      ],
    ],
    ['4294967295', [[4294967295, 4294967295]]],
  ])('%s', (text, ranges) => {
    const set = parseSequenceSet(text);
    expect(set.ranges.map((r) => [r.from, r.to])).toEqual(ranges);
    expect(formatSequenceSet(set)).toBe(text);
    expect(isSequenceSet(text)).toBe(true);
  });

  it.each([
    ['', /Empty/],
    ['0', /number 0/],
    ['0:5', /number 0/],
    ['1:0', /number 0/],
    ['01', /"01"/],
    ['4294967296', /larger than/],
    ['99999999999999999999999', /larger than/],
    ['1,', /empty number/],
    [',1', /empty number/],
    ['1:2:3', /"2:3"/],
    ['1::2', /":2"/],
    ['a', /"a"/],
    ['-1', /"-1"/],
    ['1 2', /"1 2"/],
    ['$', /"\$"/],
    ['1.5', /"1.5"/],
    ['**', /"\*\*"/],
  ])('rejects %j', (text, message) => {
    expect(() => parseSequenceSet(text)).toThrow(ImapParseError);
    expect(() => parseSequenceSet(text)).toThrow(message);
    expect(isSequenceSet(text)).toBe(false);
  });

  it('limits the number of ranges', () => {
    const text = Array.from({ length: 11 }, (_, i) => String(i * 2 + 1)).join(',');
    expect(parseSequenceSet(text, 11).ranges).toHaveLength(11);
    try {
      parseSequenceSet(text, 10);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ImapParseError);
      expect((e as ImapParseError).code).toBe('LIMIT');
    }
  });
});

describe('resolving a sequence set', () => {
  it.each<[string, number, [number, number][]]>([
    ['1:*', 5, [[1, 5]]],
    ['1:*', 0, []],
    ['*', 5, [[5, 5]]],
    ['5:*', 3, [[3, 3]]],
    ['*:7', 3, [[3, 3]]],
    ['7', 3, []],
    ['2:9', 4, [[2, 4]]],
    ['9:2', 4, [[2, 4]]],
    [
      '1,2,3,5,6,9',
      10,
      [
        [1, 3],
        [5, 6],
        [9, 9],
      ],
    ],
    ['5:8,1:3,4', 10, [[1, 8]]],
    ['3,3,3', 10, [[3, 3]]],
    ['1:4294967295', 4294967295, [[1, 4294967295]]],
    ['100:200,150:300', 250, [[100, 250]]],
  ])('%s against %d', (text, max, intervals) => {
    expect(resolveSequenceSet(parseSequenceSet(text), max)).toEqual(intervals);
  });

  it('tests membership without expanding huge ranges', () => {
    const set = parseSequenceSet('1:4294967295,*');
    expect(sequenceSetHas(set, 4294967295, 4294967295)).toBe(true);
    expect(sequenceSetHas(set, 4000000000, 4294967295)).toBe(true);
    expect(sequenceSetHas(set, 0, 10)).toBe(false);
    expect(sequenceSetHas(set, 11, 10)).toBe(false);
    expect(countSequenceSet(set, 4294967295)).toBe(4294967295);
    const other = parseSequenceSet('2,4:6,9:*');
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].filter((n) => sequenceSetHas(other, n, 10))).toEqual([
      2, 4, 5, 6, 9, 10,
    ]);
    expect(sequenceSetHas(parseSequenceSet('20:*'), 10, 10)).toBe(true);
  });

  it('matches like sequenceSetHas, in O(log ranges)', () => {
    for (const [text, max] of [
      ['2,4:6,9:*', 10],
      ['1:*', 0],
      ['*', 7],
      ['20:*', 10],
      ['5,1,3,100:90,7:8', 120],
    ] as const) {
      const set = parseSequenceSet(text);
      const matcher = sequenceSetMatcher(set, max);
      for (let n = 0; n <= 130; n++) expect(matcher.has(n), `${text} ${n}`).toBe(sequenceSetHas(set, n, max));
      expect(matcher.count).toBe(countSequenceSet(set, max));
    }
    const many = parseSequenceSet(Array.from({ length: 20_000 }, (_, i) => String(i * 3 + 1)).join(','), 20_000);
    const matcher = sequenceSetMatcher(many, 100_000);
    expect(matcher.has(59_998)).toBe(true);
    expect(matcher.has(59_999)).toBe(false);
    expect(matcher.intervals).toHaveLength(20_000);
  });

  it('iterates in ascending order, each number once', () => {
    expect([...iterateSequenceSet(parseSequenceSet('9,1:3,2,*'), 12)]).toEqual([1, 2, 3, 9, 12]);
    const it = iterateSequenceSet(parseSequenceSet('1:4294967295'), 4294967295);
    expect(it.next().value).toBe(1);
    expect(it.next().value).toBe(2);
  });

  it('knows when * is used', () => {
    expect(sequenceSetUsesStar(parseSequenceSet('1:3'))).toBe(false);
    expect(sequenceSetUsesStar(parseSequenceSet('1,3:*'))).toBe(true);
  });
});

describe('formatNumberSet', () => {
  it.each<[number[], string]>([
    [[], ''],
    [[1], '1'],
    [[1, 2, 3, 5, 7, 8], '1:3,5,7:8'],
    [[5, 4, 3], '5,4,3'],
    [[10, 11, 1, 2], '10:11,1:2'],
  ])('%j -> %s', (numbers, text) => {
    expect(formatNumberSet(numbers)).toBe(text);
  });
});
