/**
 * IMAP dates: `date` of SEARCH (`1-Feb-2024`, optionally quoted) and `date-time` of APPEND
 * (`"01-Feb-2024 13:05:00 +0100"`, day space-padded or zero-padded), RFC 3501 §9. Invalid calendar dates are errors.
 */
import type { ImapDateTime, SearchDate } from './command-types.js';
import { ImapParseError } from './errors.js';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
export const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkDay(year: number, month: number, day: number, text: string): void {
  if (day < 1 || day > daysIn(year, month)) throw new ImapParseError(`Invalid date ${JSON.stringify(text)}`);
}

/** `d-Mon-yyyy` / `dd-Mon-yyyy` (month name in any case). */
export function parseSearchDate(text: string): SearchDate {
  const m = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/.exec(text);
  const month = m === null ? -1 : MONTHS.indexOf((m[2] as string).toUpperCase()) + 1;
  if (m === null || month === 0) throw new ImapParseError(`Invalid date ${JSON.stringify(text)}`);
  const year = Number(m[3]);
  const day = Number(m[1]);
  checkDay(year, month, day, text);
  return { year, month, day };
}

/** `dd-Mon-yyyy hh:mm:ss +zzzz` (the text between the quotes; `dd` may be ` d`). */
export function parseDateTime(text: string): ImapDateTime {
  const m = /^([ 0-9][0-9])-([A-Za-z]{3})-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})$/.exec(
    text,
  );
  const month = m === null ? -1 : MONTHS.indexOf((m[2] as string).toUpperCase()) + 1;
  if (m === null || month === 0) throw new ImapParseError(`Invalid date-time ${JSON.stringify(text)}`);
  const [day, year, hour, minute, second, zh, zm] = [m[1], m[3], m[4], m[5], m[6], m[8], m[9]].map((v) =>
    Number((v as string).trim()),
  ) as [number, number, number, number, number, number, number];
  checkDay(year, month, day, text);
  if (hour > 23 || minute > 59 || second > 60 || zm > 59) {
    throw new ImapParseError(`Invalid date-time ${JSON.stringify(text)}`);
  }
  const offsetMinutes = (m[7] === '-' ? -1 : 1) * (zh * 60 + zm);
  const utc = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) - offsetMinutes * 60_000;
  return { date: new Date(utc), offsetMinutes };
}

/** A date-time as IMAP writes it (INTERNALDATE): `"01-Feb-2024 13:05:00 +0100"` without the quotes. */
export function formatDateTime(date: Date, offsetMinutes = 0): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${pad(local.getUTCDate())}-${MONTH_NAMES[local.getUTCMonth()]}-${local.getUTCFullYear()} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}
