/** Groups: `-g group [-e email]`, `-G group`, `-b user -i group`, `-B user -i group`. */
import { type CommandContext, defineCommand, failed } from '../command.js';
import { codeString, perror } from '../fault-text.js';
import { UsageError } from '../usage-error.js';

export interface CreateGroupArgs {
  readonly name: string;
  readonly email?: string;
}

export const createGroup = defineCommand<CreateGroupArgs>({
  name: 'create-group',
  trigger: 'createGroup',
  options: ['email'],
  parse: (raw) => ({ name: raw.createGroup ?? '', email: raw.email }),
  async run(ctx, { name, email }) {
    try {
      await ctx.api.call('createGroup', { name, email });
    } catch (err) {
      return failed(ctx, `Unable to create group: ${codeString(err, name)}`);
    }
    ctx.out.line('Group created.');
    return 0;
  },
});

export interface DeleteGroupArgs {
  readonly name: string;
}

export const deleteGroup = defineCommand<DeleteGroupArgs>({
  name: 'delete-group',
  trigger: 'deleteGroup',
  options: [],
  parse: (raw) => ({ name: raw.deleteGroup ?? '' }),
  async run(ctx, { name }) {
    try {
      await ctx.api.call('getGroup', { name });
    } catch (err) {
      return failed(ctx, `Unable to delete group: ${codeString(err, name)}`);
    }
    try {
      await ctx.api.call('groupDelete', { name });
    } catch (err) {
      return failed(ctx, perror('Unable to delete group', err));
    }
    ctx.out.line('Group deleted.');
    return 0;
  },
});

export interface MembershipArgs {
  readonly username: string;
  readonly group: string;
}

/** KGC resolves the user, then the group, then changes the membership. */
async function changeMembership(ctx: CommandContext, args: MembershipArgs, add: boolean): Promise<number> {
  const what = add ? 'add user to group' : 'remove user from group';
  try {
    await ctx.api.call('resolveUsername', { username: args.username });
  } catch (err) {
    return failed(ctx, `Failed to resolve user: ${codeString(err, args.username)}`);
  }
  try {
    await ctx.api.call('getGroup', { name: args.group });
  } catch (err) {
    return failed(ctx, `Unable to ${what}: ${codeString(err, args.group)}`);
  }
  try {
    const input = { group: args.group, username: args.username };
    if (add) await ctx.api.call('addGroupUser', input);
    else await ctx.api.call('deleteGroupUser', input);
  } catch (err) {
    return failed(ctx, perror(`Unable to ${what}`, err));
  }
  ctx.out.line(add ? 'User added to group.' : 'User removed from group.');
  return 0;
}

function membershipArgs(username: string | undefined, group: string | undefined, what: string): MembershipArgs {
  if (group === undefined) throw new UsageError(`Missing information to ${what}: group name (-i)`);
  return { username: username ?? '', group };
}

export const addToGroup = defineCommand<MembershipArgs>({
  name: 'add-to-group',
  trigger: 'addToGroup',
  options: ['group'],
  parse: (raw) => membershipArgs(raw.addToGroup, raw.group, 'add user to group'),
  run: (ctx, args) => changeMembership(ctx, args, true),
});

export const removeFromGroup = defineCommand<MembershipArgs>({
  name: 'remove-from-group',
  trigger: 'removeFromGroup',
  options: ['group'],
  parse: (raw) => membershipArgs(raw.removeFromGroup, raw.group, 'remove user from group'),
  run: (ctx, args) => changeMembership(ctx, args, false),
});
