/**
 * Quota options (`--qo y|n --qh/--qs/--qw MB`) of -c and -u, and KGC's `print_quota`. A level that
 * is not given keeps its current value; so does the override flag.
 */
import type { Output } from '@kgc/soap';
import type { CommandContext } from '../command.js';
import { perror } from '../fault-text.js';
import { formatStorage, yesNo } from '../format.js';
import { parseMegabytes, parseYesNo } from '../option-values.js';
import type { OptionKey, RawOptions } from '../options.js';

export const QUOTA_OPTIONS: readonly OptionKey[] = ['qo', 'qh', 'qs', 'qw'];

/** Requested changes; levels in bytes. */
export interface QuotaChange {
  readonly override?: boolean;
  readonly warn?: number;
  readonly soft?: number;
  readonly hard?: number;
}

type Quota = Output<'GetQuota'>['quota'];
type QuotaStatus = Output<'GetQuotaStatus'>['status'];

/** The quota options given, or undefined when there are none. */
export function parseQuotaChange(raw: RawOptions): QuotaChange | undefined {
  if (raw.qo === undefined && raw.qh === undefined && raw.qs === undefined && raw.qw === undefined) return undefined;
  return {
    override: raw.qo === undefined ? undefined : parseYesNo(raw.qo, '--qo'),
    warn: raw.qw === undefined ? undefined : parseMegabytes(raw.qw, '--qw'),
    soft: raw.qs === undefined ? undefined : parseMegabytes(raw.qs, '--qs'),
    hard: raw.qh === undefined ? undefined : parseMegabytes(raw.qh, '--qh'),
  };
}

/** The levels missing for an override at create time, in KGC's words and order. */
export function missingLevels(q: QuotaChange): string[] {
  const missing: string[] = [];
  if (q.hard === undefined) missing.push('hard quota (--qh)');
  if (q.warn === undefined) missing.push('warn quota (--qw)');
  if (q.soft === undefined) missing.push('soft quota (--qs)');
  return missing;
}

/**
 * KGC's warnings when levels come with the override switched off (they are stored, but the server
 * defaults apply). KGC warns whenever `--qo` is missing; we know the current flag, so only when true.
 */
export function quotaWarnings(change: QuotaChange, currentOverride: boolean): string[] {
  const levels = change.warn !== undefined || change.soft !== undefined || change.hard !== undefined;
  if (!levels) return [];
  if (change.override === false) {
    return [
      'Disabling quota override, but quota levels are provided.',
      'By disabling quota overrides the existing values will be reset,',
      'and these new values will be ignored.',
    ];
  }
  if (change.override === undefined && !currentOverride) {
    return [
      'Quota levels are provided, but not quota level override',
      'Without an explicit quota override value the quota levels will be ignored.',
    ];
  }
  return [];
}

/** KGC `print_quota`. */
export function quotaLines(quota: Quota, status?: QuotaStatus): string[] {
  const lines = [
    'Current user store quota settings:',
    ` Quota overrides:\t${yesNo(quota.override)}`,
    ` Warning level:\t\t${formatStorage(quota.warn)}`,
    ` Soft level:\t\t${formatStorage(quota.soft)}`,
    ` Hard level:\t\t${formatStorage(quota.hard)}`,
  ];
  if (status) lines.push(`Current store size:\t${formatStorage(status.size, false)}`);
  return lines;
}

/**
 * KGC `setQuota`: reads the current quota, applies the change and, for -u (`print`), shows the old
 * and the new settings. Returns false after printing the error.
 */
export async function applyQuota(
  ctx: CommandContext,
  username: string,
  change: QuotaChange,
  print: boolean,
): Promise<boolean> {
  let old: Quota;
  try {
    old = (await ctx.api.call('GetQuota', { username })).quota;
  } catch (err) {
    ctx.err.line(perror('Unable to update quota', err));
    return false;
  }
  ctx.err.lines(quotaWarnings(change, old.override));
  if (print) {
    ctx.out.line('Old quota settings:');
    ctx.out.lines(quotaLines(old));
    ctx.out.line();
  }
  const quota: Quota = {
    override: change.override ?? old.override,
    warn: change.warn ?? old.warn,
    soft: change.soft ?? old.soft,
    hard: change.hard ?? old.hard,
  };
  try {
    await ctx.api.call('SetQuota', { username, quota });
  } catch (err) {
    ctx.err.line(perror('Unable to update quota information', err));
    return false;
  }
  if (!print) return true;
  let status: QuotaStatus;
  try {
    status = (await ctx.api.call('GetQuotaStatus', { username })).status;
  } catch (err) {
    ctx.err.line(perror('Unable to request updated quota information', err));
    return false;
  }
  ctx.out.line('New quota settings:');
  ctx.out.lines(quotaLines(quota, status));
  ctx.out.line();
  return true;
}
