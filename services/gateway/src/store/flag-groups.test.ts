import { describe, expect, it } from 'vitest';
import { type FlagGroup, flagLookup, viewRuns } from './flag-groups.js';

describe('viewRuns', () => {
  it.each([
    { name: 'empty', targets: [], runs: [] },
    { name: 'one', targets: [{ seq: 1, uid: 7 }], runs: [[7, 7]] },
    {
      name: 'neighbours in the view join across uid gaps',
      targets: [
        { seq: 1, uid: 1 },
        { seq: 2, uid: 5 },
        { seq: 3, uid: 9 },
      ],
      runs: [[1, 9]],
    },
    {
      name: 'a sequence gap splits',
      targets: [
        { seq: 1, uid: 1 },
        { seq: 3, uid: 3 },
        { seq: 4, uid: 4 },
      ],
      runs: [
        [1, 1],
        [3, 4],
      ],
    },
    {
      name: 'unsorted input',
      targets: [
        { seq: 3, uid: 30 },
        { seq: 1, uid: 10 },
        { seq: 2, uid: 20 },
      ],
      runs: [[10, 30]],
    },
  ])('$name', ({ targets, runs }) => {
    expect(viewRuns(targets)).toEqual(runs);
  });
});

describe('flagLookup', () => {
  const seen: FlagGroup = {
    modseq: 9,
    flags: ['\\Seen'],
    uids: [
      [1, 3],
      [10, 10],
    ],
  };
  const flagged: FlagGroup = { modseq: 9, flags: ['\\Flagged'], uids: [[5, 8]] };
  const find = flagLookup([seen, flagged]);

  it.each([
    [0, undefined],
    [1, seen],
    [3, seen],
    [4, undefined],
    [5, flagged],
    [8, flagged],
    [9, undefined],
    [10, seen],
    [11, undefined],
    [4_294_967_295, undefined],
  ])('uid %i', (uid, group) => {
    expect(find(uid)).toBe(group);
  });

  it('finds nothing in no groups', () => {
    expect(flagLookup([])(1)).toBeUndefined();
  });
});
