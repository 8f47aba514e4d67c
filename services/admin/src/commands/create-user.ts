/** `-c user -p pass|-P -f fullname -e email [-a level] [-n y|n] [quota options]` */
import { defineCommand, failed } from '../command.js';
import { codeString } from '../fault-text.js';
import { UsageError } from '../usage-error.js';
import { applyQuota, missingLevels, parseQuotaChange, QUOTA_OPTIONS, type QuotaChange } from './quota.js';
import { parseUserFields, resolvePassword, type UserFields } from './user-fields.js';

export interface CreateUserArgs extends UserFields {
  readonly username: string;
  readonly quota?: QuotaChange;
}

export const createUser = defineCommand<CreateUserArgs>({
  name: 'create-user',
  trigger: 'createUser',
  options: ['password', 'passwordPrompt', 'fullname', 'email', 'admin', 'nonActive', ...QUOTA_OPTIONS],
  parse(raw) {
    const fields = parseUserFields(raw);
    const missing: string[] = [];
    if (fields.password === undefined && fields.nonActive !== true) missing.push('password (-p)');
    if (fields.email === undefined) missing.push('email address (-e)');
    if (fields.fullName === undefined) missing.push('full name (-f)');
    if (missing.length > 0) throw new UsageError(`Missing information to create user: ${missing.join(' ')}`);
    const quota = parseQuotaChange(raw);
    if (quota?.override === true && missingLevels(quota).length > 0) {
      throw new UsageError(
        `Not all user specific quota levels are given.\nMissing information to create user: ${missingLevels(quota).join(' ')}`,
      );
    }
    return { ...fields, username: raw.createUser ?? '', quota };
  },
  async run(ctx, args) {
    // KGC: a non-active user (shared store) gets no password.
    const pw = args.nonActive === true ? { password: undefined } : await resolvePassword(ctx, args.password);
    if (pw === null) return 1;
    try {
      await ctx.api.call('createUser', {
        user: {
          username: args.username,
          password: pw.password,
          fullName: args.fullName,
          email: args.email,
          isAdmin: (args.admin ?? 0) > 0,
          active: args.nonActive !== true,
          aliases: [],
        },
      });
    } catch (err) {
      ctx.err.line(`Unable to create user: ${codeString(err, args.username)}`);
      return failed(ctx, 'Check the server log for details.');
    }
    if (args.quota !== undefined && !(await applyQuota(ctx, args.username, args.quota, false))) return 1;
    ctx.out.line('User created.');
    return 0;
  },
});
