/** The defaults of every limit (each limit's behaviour is tested where it applies) and overriding them. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAP_LIMITS, imapLimits, MAX_MODSEQ, MAX_NUMBER } from './limits.js';

describe('limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_IMAP_LIMITS).toEqual({
      maxLineLength: 65536,
      maxLiteralSize: 65536,
      maxAppendSize: 128 * 1024 * 1024,
      maxNonSyncLiteralSize: Number.POSITIVE_INFINITY,
      maxAppendTotalSize: 256 * 1024 * 1024,
      maxCommandSize: 1024 * 1024,
      maxLiterals: 1000,
      maxDiscardSize: 1024 * 1024,
      maxSearchDepth: 100,
      maxSearchKeys: 5000,
      maxSequenceRanges: 65536,
      maxFetchAttributes: 200,
      maxMailboxNameLength: 1000,
      maxIdPairs: 30,
      maxIdFieldLength: 30,
      maxIdValueLength: 1024,
    });
    expect(MAX_NUMBER).toBe(4294967295);
    expect(MAX_MODSEQ).toBe(9223372036854775807n);
    // RFC 7162 §4: at least 8192 octets per command line
    expect(DEFAULT_IMAP_LIMITS.maxLineLength).toBeGreaterThanOrEqual(8192);
  });

  it('overrides some and keeps the rest', () => {
    const limits = imapLimits({ maxAppendSize: 10, maxLineLength: undefined });
    expect(limits.maxAppendSize).toBe(10);
    expect(limits.maxLineLength).toBe(DEFAULT_IMAP_LIMITS.maxLineLength);
    expect(Object.isFrozen(limits)).toBe(true);
    expect(Object.isFrozen(DEFAULT_IMAP_LIMITS)).toBe(true);
  });
});
