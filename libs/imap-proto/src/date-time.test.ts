/** SEARCH dates and APPEND date-times: valid forms, impossible calendar dates, formatting round trips. */
import { describe, expect, it } from 'vitest';
import { formatDateTime, parseDateTime, parseSearchDate } from './date-time.js';
import { ImapParseError } from './errors.js';

describe('dates', () => {
  it.each<[string, [number, number, number]]>([
    ['1-Feb-1994', [1994, 2, 1]],
    ['01-feb-1994', [1994, 2, 1]],
    ['29-Feb-2000', [2000, 2, 29]],
    ['31-DEC-9999', [9999, 12, 31]],
  ])('search date %s', (text, [year, month, day]) => {
    expect(parseSearchDate(text)).toEqual({ year, month, day });
  });

  it.each([
    '0-Jan-2000',
    '32-Jan-2000',
    '29-Feb-1900',
    '31-Apr-2020',
    '1-Jan-20',
    '1 Jan 2000',
    '1-January-2000',
    '',
    '111-Jan-2000',
  ])('rejects search date %j', (text) => {
    expect(() => parseSearchDate(text)).toThrow(ImapParseError);
  });

  it.each<[string, string, number]>([
    [' 7-Feb-1994 21:52:25 -0800', '1994-02-08T05:52:25.000Z', -480],
    ['17-Jul-1996 02:44:25 -0700', '1996-07-17T09:44:25.000Z', -420],
    ['01-Jan-2024 00:00:00 +0000', '2024-01-01T00:00:00.000Z', 0],
    ['01-Jan-2024 05:30:00 +0530', '2024-01-01T00:00:00.000Z', 330],
    ['31-Dec-2023 23:59:60 +0000', '2023-12-31T23:59:59.000Z', 0],
  ])('date-time %j', (text, iso, offset) => {
    const parsed = parseDateTime(text);
    expect(parsed.date.toISOString()).toBe(iso);
    expect(parsed.offsetMinutes).toBe(offset);
  });

  it.each([
    '7-Feb-1994 21:52:25 -0800',
    '07-Feb-1994 21:52:25',
    '07-Feb-1994 25:00:00 +0000',
    '07-Feb-1994 21:60:00 +0000',
    '07-Feb-1994 21:00:00 +0060',
    '30-Feb-1994 21:00:00 +0000',
    '07-Feb-1994T21:00:00 +0000',
    '07-Feb-1994 21:00:00 0000',
  ])('rejects date-time %j', (text) => {
    expect(() => parseDateTime(text)).toThrow(ImapParseError);
  });

  it.each<[string, number, string]>([
    ['1994-02-08T05:52:25.000Z', -480, '07-Feb-1994 21:52:25 -0800'],
    ['2024-01-01T00:00:00.000Z', 0, '01-Jan-2024 00:00:00 +0000'],
    ['2024-01-01T00:00:00.000Z', 330, '01-Jan-2024 05:30:00 +0530'],
  ])('formats %s at %d as %s', (iso, offset, text) => {
    expect(formatDateTime(new Date(iso), offset)).toBe(text);
    const back = parseDateTime(text);
    expect(back.date.toISOString()).toBe(iso);
    expect(back.offsetMinutes).toBe(offset);
  });
});
