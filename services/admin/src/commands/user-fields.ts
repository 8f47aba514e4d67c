/** Options shared by -c and -u: password (-p/-P), full name, email, admin level, non-active. */
import type { CommandContext } from '../command.js';
import { parseAdminLevel, parseYesNo } from '../option-values.js';
import type { RawOptions } from '../options.js';
import { readNewPassword } from '../prompt.js';
import { UsageError } from '../usage-error.js';

export type PasswordArg = { readonly kind: 'given'; readonly value: string } | { readonly kind: 'prompt' };

export interface UserFields {
  readonly password?: PasswordArg;
  readonly fullName?: string;
  readonly email?: string;
  /** 0 none, 1 administrator, 2 system administrator (KGC's levels; the API knows admin or not). */
  readonly admin?: 0 | 1 | 2;
  /** From `-n`: a non-active user (KGC: shared store) cannot log on. */
  readonly nonActive?: boolean;
}

export function parseUserFields(raw: RawOptions): UserFields {
  if (raw.password !== undefined && raw.passwordPrompt) throw new UsageError('Use either -p or -P, not both.');
  return {
    password: raw.passwordPrompt
      ? { kind: 'prompt' }
      : raw.password === undefined
        ? undefined
        : { kind: 'given', value: raw.password },
    fullName: raw.fullname,
    email: raw.email,
    admin: raw.admin === undefined ? undefined : parseAdminLevel(raw.admin),
    nonActive: raw.nonActive === undefined ? undefined : parseYesNo(raw.nonActive, '-n'),
  };
}

/**
 * The password to send: given, prompted for twice (KGC `get_password`), or none. Null when the
 * prompt failed; the reason has been printed.
 */
export async function resolvePassword(
  ctx: CommandContext,
  arg: PasswordArg | undefined,
): Promise<{ password: string | undefined } | null> {
  if (arg === undefined) return { password: undefined };
  if (arg.kind === 'given') return { password: arg.value };
  const read = await readNewPassword(ctx.prompt);
  if (!read.ok) {
    ctx.err.line("Passwords don't match");
    return null;
  }
  if (read.password === '') {
    ctx.err.line('Password cannot be empty');
    return null;
  }
  return { password: read.password };
}
