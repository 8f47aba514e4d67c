import { assertAdmin, assertSelfOrAdmin } from '../auth/principal.js';
import { principal, userByLogin } from './common.js';
import type { Op } from './op.js';
import { userDetailsOut } from './users-common.js';

/** Admins change anything; a user may change only their own password and full name. */
export const setUser: Op<'setUser'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const user = await userByLogin(ctx, input.username);
  const c = input.changes;
  const adminOnly =
    c.username !== undefined ||
    c.email !== undefined ||
    c.isAdmin !== undefined ||
    c.active !== undefined ||
    c.aliases.length > 0 ||
    c.replaceAliases === true;
  if (adminOnly) assertAdmin(p);
  else assertSelfOrAdmin(p, user.id);
  ctx.users.assertWritable();
  // One transaction: a refused alias (KCERR_COLLISION) must not leave a rename or the other fields applied.
  const updated = await ctx.storage.withTransaction(async (tx) => {
    const u = await tx.users.updateUser(user.id, {
      ...(c.username !== undefined ? { loginName: c.username } : {}),
      ...(c.fullName !== undefined ? { fullName: c.fullName } : {}),
      ...(c.email !== undefined ? { email: c.email === '' ? null : c.email } : {}),
      ...(c.isAdmin !== undefined ? { isAdmin: c.isAdmin } : {}),
      ...(c.active !== undefined ? { active: c.active } : {}),
    });
    if (c.aliases.length > 0 || c.replaceAliases === true) {
      const [d] = await tx.users.getUserDetails([user.id]);
      const current = d?.aliases ?? [];
      const wanted = new Set(c.aliases.map((a) => a.toLowerCase()));
      await tx.users.removeAliases(
        user.id,
        current.filter((a) => !wanted.has(a.toLowerCase())),
      );
      const have = new Set(current.map((a) => a.toLowerCase()));
      await tx.users.addAliases(
        user.id,
        c.aliases.filter((a) => !have.has(a.toLowerCase())),
      );
    }
    return u;
  });
  // Outside the transaction: hashing (Argon2id) must not hold it open; only a database failure can refuse this.
  if (c.password !== undefined) await ctx.storage.users.updateUser(user.id, { password: c.password });
  // The logon cache maps (login or address, password) to the user: any change to the names the user
  // logs on with, the password or the active flag must drop it, or the old values keep working.
  const logonChanged =
    c.username !== undefined ||
    c.email !== undefined ||
    c.aliases.length > 0 ||
    c.replaceAliases === true ||
    c.password !== undefined ||
    c.active === false;
  if (logonChanged) ctx.users.forget();
  // Rights change at once: no cached session keeps the old admin flag; a deactivated user's sessions end.
  if (c.isAdmin !== undefined || c.active === false)
    await ctx.sessions.userChanged(user.id, { end: c.active === false });
  return { user: await userDetailsOut(ctx, updated) };
};
