/** Shared by the user administration operations. */
import { KcError, type Output } from '@kgc/soap';
import type { ServerContext } from '../context.js';
import type { UserRecord } from '../storage/user-types.js';
import type { Feature } from '../users/user-plugin.js';
import { userOut } from './convert.js';

export async function userDetailsOut(ctx: ServerContext, user: UserRecord): Promise<Output<'getUser'>['user']> {
  const [d] = await ctx.storage.users.getUserDetails([user.id]);
  return userOut(d ?? user, ctx.config.disabled_features);
}

export function features(list: readonly string[]): Feature[] {
  return list.map((f) => {
    const v = f.trim().toLowerCase();
    if (v !== 'imap' && v !== 'pop3') throw new KcError('KCERR_INVALID_PARAMETER', `unknown feature ${f} (imap, pop3)`);
    return v;
  });
}
