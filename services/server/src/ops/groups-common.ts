import { KcError, type Output } from '@kgc/soap';
import type { ServerContext } from '../context.js';
import type { GroupRecord } from '../storage/user-types.js';
import { groupOut } from './convert.js';

export async function groupByName(ctx: ServerContext, name: string): Promise<GroupRecord> {
  const g = await ctx.storage.groups.findGroupByName(name);
  if (!g) throw new KcError('KCERR_NOT_FOUND', `no group ${name}`);
  return g;
}

export async function groupWithMembers(ctx: ServerContext, g: GroupRecord): Promise<Output<'getGroup'>['group']> {
  return groupOut(g, await ctx.storage.groups.listGroupMembers(g.id));
}
