import { KcError } from '@kgc/soap';
import { assertAdmin } from '../auth/principal.js';
import { principal, userByLogin } from './common.js';
import type { Op } from './op.js';
import { features, userDetailsOut } from './users-common.js';

/** The user's own enabled/disabled lists override the server's disabled_features (KGC). */
export const setUserFeatures: Op<'setUserFeatures'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const enable = features(input.enable);
  const disable = features(input.disable);
  if (enable.some((f) => disable.includes(f)))
    throw new KcError('KCERR_INVALID_PARAMETER', 'a feature cannot be both enabled and disabled');
  const user = await userByLogin(ctx, input.username);
  const cur = await ctx.storage.users.getFeatures(user.id);
  const enabled = [...new Set([...cur.enabled.filter((f) => !disable.includes(f)), ...enable])];
  const disabled = [...new Set([...cur.disabled.filter((f) => !enable.includes(f)), ...disable])];
  await ctx.storage.users.setFeatures(user.id, { enabled, disabled });
  return { user: await userDetailsOut(ctx, await ctx.storage.users.getUser(user.id)) };
};
