/**
 * Send-as: `-u user --add-sendas name` lets `name` send as `user`, `--del-sendas name` revokes
 * it, and `--list-sendas user` shows who may send as `user`.
 */
import { type CommandContext, defineCommand, failed } from '../command.js';
import { renderUsers } from '../console-table.js';
import { codeString, isKcError, perror } from '../fault-text.js';
import type { RawOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

export interface SendAsChange {
  readonly action: 'add' | 'del';
  readonly name: string;
}

export function parseSendAsChange(raw: RawOptions): SendAsChange | undefined {
  if (raw.addSendas !== undefined && raw.delSendas !== undefined) {
    throw new UsageError('Use either --add-sendas or --del-sendas, not both.');
  }
  if (raw.addSendas !== undefined) return { action: 'add', name: raw.addSendas };
  if (raw.delSendas !== undefined) return { action: 'del', name: raw.delSendas };
  return undefined;
}

/** Returns false after printing the error (KGC's texts for MODE_UPDATE_USER). */
export async function applySendAs(ctx: CommandContext, username: string, change: SendAsChange): Promise<boolean> {
  try {
    await ctx.api.call('resolveUsername', { username: change.name });
  } catch (err) {
    ctx.err.line(`Unable to update user, sendas user not available: ${codeString(err, change.name)}`);
    return false;
  }
  try {
    if (change.action === 'add') await ctx.api.call('addSendAsUser', { username, sendAs: change.name });
    else await ctx.api.call('delSendAsUser', { username, sendAs: change.name });
    return true;
  } catch (err) {
    if (isKcError(err, 'KCERR_NOT_FOUND')) {
      ctx.err.line(
        change.action === 'del'
          ? `Unable to update user, sender ${change.name} not found in sendas list`
          : `Unable to update user, sender ${change.name} not allowed in sendas list`,
      );
    } else if (isKcError(err, 'KCERR_COLLISION')) {
      ctx.err.line(`Unable to update user, sender ${change.name} already in sendas list`);
    } else {
      ctx.err.line(`Unable to update user, unable to update sendas list: ${codeString(err, username)}`);
    }
    return false;
  }
}

export interface ListSendAsArgs {
  readonly username: string;
}

export const listSendAs = defineCommand<ListSendAsArgs>({
  name: 'list-sendas',
  trigger: 'listSendas',
  options: ['type'],
  parse(raw) {
    const type = raw.type?.toLowerCase() ?? 'user';
    if (type === 'group') throw new UsageError('--list-sendas supports users only (--type user).');
    if (type !== 'user') throw new UsageError(`Unknown object type "${raw.type}"`);
    return { username: raw.listSendas ?? '' };
  },
  async run(ctx, { username }) {
    try {
      await ctx.api.call('resolveUsername', { username });
    } catch (err) {
      return failed(ctx, `Failed to resolve user name: ${codeString(err, username)}`);
    }
    let senders: string[];
    let users: { username: string; fullName: string }[];
    try {
      senders = (await ctx.api.call('getSendAsList', { username })).usernames;
      users = (await ctx.api.call('getUserList', {})).users;
    } catch (err) {
      return failed(ctx, perror(`Failed to retrieve send-as list for user ${username}`, err));
    }
    const fullNames = new Map(users.map((u) => [u.username, u.fullName]));
    ctx.out.line(`Send-as list (${senders.length}) for user ${username}:`);
    ctx.out.lines(renderUsers(senders.map((s) => ({ username: s, fullName: fullNames.get(s) ?? '' }))));
    return 0;
  },
});
