/** `--details name [--type user|group]`, in KGC's layout (`print_user_settings`, `print_quota`, ...). */
import type { Output } from '@kgc/soap';
import { type CommandContext, defineCommand, failed } from '../command.js';
import { renderUsers } from '../console-table.js';
import { codeString, perror } from '../fault-text.js';
import { yesNo } from '../format.js';
import { UsageError } from '../usage-error.js';
import { quotaLines } from './quota.js';

export interface DetailsArgs {
  readonly name: string;
  readonly type: 'user' | 'group';
}

const list = (values: readonly string[]): string => (values.length === 0 ? 'none' : values.join('; '));

async function userDetails(ctx: CommandContext, username: string): Promise<number> {
  let user: Output<'getUser'>['user'];
  try {
    user = (await ctx.api.call('getUser', { username })).user;
  } catch (err) {
    return failed(ctx, `Unable to resolve user: ${codeString(err, username)}`);
  }
  // As in KGC, the parts after the user itself are shown if they can be had; their errors are not fatal.
  let groups: string[] = [];
  try {
    groups = (await ctx.api.call('getGroupListOfUser', { username })).groups.map((g) => g.name);
  } catch (err) {
    ctx.err.line(perror('Unable to request groups for user', err));
  }
  let status: Output<'GetQuotaStatus'>['status'] | undefined;
  try {
    status = (await ctx.api.call('GetQuotaStatus', { username })).status;
  } catch (err) {
    ctx.err.line(perror('Unable to show object quota information', err));
  }
  const lines = [
    `Username:\t\t${user.username}`,
    `Fullname:\t\t${user.fullName}`,
    `Emailaddress:\t\t${user.email ?? ''}`,
    `Active:\t\t\t${yesNo(user.active)}`,
    `Administrator:\t\t${yesNo(user.isAdmin)}`,
  ];
  if (user.aliases.length > 0) lines.push(`Aliases:\t\t${list(user.aliases)}`);
  lines.push(`Features:\t\t${list(user.features)}`, `Send-as:\t\t${list(user.sendAs)}`);
  lines.push(...quotaLines(user.quota, status));
  if (groups.length > 0) lines.push(`Groups (${groups.length}):`, ...groups.map((g) => `\t${g}`), '');
  ctx.out.lines(lines);
  return 0;
}

async function groupDetails(ctx: CommandContext, name: string): Promise<number> {
  let group: Output<'getGroup'>['group'];
  try {
    group = (await ctx.api.call('getGroup', { name })).group;
  } catch (err) {
    return failed(ctx, `Unable to resolve group: ${codeString(err, name)}`);
  }
  let members: Output<'getUserListOfGroup'>['users'] = [];
  try {
    members = (await ctx.api.call('getUserListOfGroup', { group: name })).users;
  } catch (err) {
    ctx.err.line(perror('Unable to request users for group', err));
  }
  const lines = [`Groupname:\t\t${group.name}`, `Fullname:\t\t${group.name}`, `Emailaddress:\t\t${group.email ?? ''}`];
  if (members.length > 0) lines.push(`Users (${members.length}):`, ...renderUsers(members), '');
  ctx.out.lines(lines);
  return 0;
}

export const details = defineCommand<DetailsArgs>({
  name: 'details',
  trigger: 'details',
  options: ['type'],
  parse(raw) {
    const type = raw.type?.toLowerCase() ?? 'user';
    if (type !== 'user' && type !== 'group') {
      throw new UsageError(`Unknown userobject type "${raw.type}" (use user or group)`);
    }
    return { name: raw.details ?? '', type };
  },
  run: (ctx, { name, type }) => (type === 'group' ? groupDetails(ctx, name) : userDetails(ctx, name)),
});
