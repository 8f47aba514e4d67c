/**
 * QUOTA (RFC 2087) on the store's hard limit, KGC-style: one root "" with STORAGE in KiB. A user
 * without a hard limit has a root without resources. SETQUOTA is the administrator's (kgc-admin).
 */
import type { ImapCommandSpec, ImapContext } from '../context.js';
import { no } from '../errors.js';
import { mailboxName } from '../wire.js';
import { mailboxOf, storeOf } from './common.js';

async function quotaLine(ctx: ImapContext): Promise<string> {
  const q = await storeOf(ctx).quota();
  const kib = (n: number) => Math.ceil(n / 1024);
  return q.hard > 0 ? `QUOTA "" (STORAGE ${kib(q.size)} ${kib(q.hard)})` : 'QUOTA "" ()';
}

export const getquota: ImapCommandSpec<'GETQUOTA'> = {
  name: 'GETQUOTA',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    if (command.root !== '') throw no('No such quota root.', 'NONEXISTENT');
    await ctx.untagged(await quotaLine(ctx));
    return { text: 'GETQUOTA completed.' };
  },
};

export const getquotaroot: ImapCommandSpec<'GETQUOTAROOT'> = {
  name: 'GETQUOTAROOT',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    const entry = await mailboxOf(ctx, command.mailbox);
    await ctx.send(Buffer.concat([Buffer.from('* QUOTAROOT '), mailboxName(entry.name), Buffer.from(' ""\r\n')]));
    await ctx.untagged(await quotaLine(ctx));
    return { text: 'GETQUOTAROOT completed.' };
  },
};

export const setquota: ImapCommandSpec<'SETQUOTA'> = {
  name: 'SETQUOTA',
  states: ['authenticated', 'selected'],
  async handle() {
    throw no('Quotas are set by the administrator.', 'NOPERM');
  },
};
