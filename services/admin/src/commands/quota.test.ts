import { describe, expect, it } from 'vitest';
import { readOptions } from '../options.js';
import { missingLevels, parseQuotaChange, quotaLines, quotaWarnings } from './quota.js';

const MB = 1024 * 1024;

describe('quota options', () => {
  it('are absent unless one is given', () => {
    expect(parseQuotaChange(readOptions(['-u', 'a', '-f', 'A']))).toBeUndefined();
  });

  it('take MB and give bytes; what is not given stays undefined (unchanged)', () => {
    expect(parseQuotaChange(readOptions(['-u', 'a', '--qo', 'yes', '--qs', '2']))).toEqual({
      override: true,
      warn: undefined,
      soft: 2 * MB,
      hard: undefined,
    });
  });

  it('name the missing levels in KGC order', () => {
    expect(missingLevels({ override: true, soft: 1 })).toEqual(['hard quota (--qh)', 'warn quota (--qw)']);
    expect(missingLevels({ override: true, soft: 1, hard: 2, warn: 3 })).toEqual([]);
  });
});

describe('quotaWarnings', () => {
  it('warns when levels come while the override is off and stays off', () => {
    expect(quotaWarnings({ hard: MB }, false)[0]).toBe('Quota levels are provided, but not quota level override');
    expect(quotaWarnings({ hard: MB }, true)).toEqual([]);
  });
  it('warns when levels come with --qo n', () => {
    expect(quotaWarnings({ override: false, warn: MB }, true)[0]).toBe(
      'Disabling quota override, but quota levels are provided.',
    );
  });
  it('says nothing for an override with levels, or a flag alone', () => {
    expect(quotaWarnings({ override: true, warn: MB }, false)).toEqual([]);
    expect(quotaWarnings({ override: false }, true)).toEqual([]);
  });
});

describe('quotaLines (KGC print_quota)', () => {
  it('prints levels, "unlimited" for 0, and the store size when given', () => {
    expect(
      quotaLines(
        { override: true, warn: 0, soft: 5 * MB, hard: 10 * MB },
        { size: 0, warn: 0, soft: 0, hard: 0, level: 'ok' },
      ),
    ).toEqual([
      'Current user store quota settings:',
      ' Quota overrides:\tyes',
      ' Warning level:\t\tunlimited',
      ' Soft level:\t\t5.00 MB',
      ' Hard level:\t\t10.00 MB',
      'Current store size:\t0.00 MB',
    ]);
  });
});
