import { assertAdmin, assertSelfOrAdmin } from '../auth/principal.js';
import { principal, userByLogin } from './common.js';
import type { Op } from './op.js';
import { userDetailsOut } from './users-common.js';

/** Admins change anything; a user may change only their own password and full name. */
export const setUser: Op<'setUser'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const user = await userByLogin(ctx, input.username);
  const c = input.changes;
  const adminOnly = c.username !== undefined || c.email !== undefined || c.isAdmin !== undefined || c.active !== undefined || c.aliases.length > 0;
  if (adminOnly) assertAdmin(p);
  else assertSelfOrAdmin(p, user.id);
  ctx.users.assertWritable();
  const updated = await ctx.storage.users.updateUser(user.id, {
    ...(c.username !== undefined ? { loginName: c.username } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    ...(c.fullName !== undefined ? { fullName: c.fullName } : {}),
    ...(c.email !== undefined ? { email: c.email === '' ? null : c.email } : {}),
    ...(c.isAdmin !== undefined ? { isAdmin: c.isAdmin } : {}),
    ...(c.active !== undefined ? { active: c.active } : {}),
  });
  if (c.aliases.length > 0) {
    const [d] = await ctx.storage.users.getUserDetails([user.id]);
    const current = d?.aliases ?? [];
    const wanted = new Set(c.aliases.map((a) => a.toLowerCase()));
    await ctx.storage.users.removeAliases(user.id, current.filter((a) => !wanted.has(a.toLowerCase())));
    const have = new Set(current.map((a) => a.toLowerCase()));
    await ctx.storage.users.addAliases(user.id, c.aliases.filter((a) => !have.has(a.toLowerCase())));
  }
  if (c.password !== undefined || c.active === false) ctx.users.forget();
  return { user: await userDetailsOut(ctx, updated) };
};
