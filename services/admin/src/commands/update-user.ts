/**
 * `-u user` with any of `-U newname -p|-P -f -e -a -n`, quota options, `--add-sendas/--del-sendas`,
 * `--enable-feature/--disable-feature`. Steps run in KGC's order: user fields, quota, send-as.
 */
import type { Output } from '@kgc/soap';
import { defineCommand, failed } from '../command.js';
import { codeString, isKcError, perror } from '../fault-text.js';
import { UsageError } from '../usage-error.js';
import { applyFeatures, type FeatureChange, parseFeatureChange } from './features.js';
import { applyQuota, parseQuotaChange, QUOTA_OPTIONS, type QuotaChange } from './quota.js';
import { applySendAs, parseSendAsChange, type SendAsChange } from './sendas.js';
import { parseUserFields, resolvePassword, type UserFields } from './user-fields.js';

export interface UpdateUserArgs extends UserFields {
  readonly username: string;
  readonly newUsername?: string;
  readonly quota?: QuotaChange;
  readonly sendAs?: SendAsChange;
  readonly features?: FeatureChange;
}

function changesFields(a: UpdateUserArgs): boolean {
  return (
    a.newUsername !== undefined ||
    a.password !== undefined ||
    a.fullName !== undefined ||
    a.email !== undefined ||
    a.admin !== undefined ||
    a.nonActive !== undefined
  );
}

export const updateUser = defineCommand<UpdateUserArgs>({
  name: 'update-user',
  trigger: 'updateUser',
  options: [
    'newUsername',
    'password',
    'passwordPrompt',
    'fullname',
    'email',
    'admin',
    'nonActive',
    ...QUOTA_OPTIONS,
    'addSendas',
    'delSendas',
    'enableFeature',
    'disableFeature',
  ],
  parse(raw) {
    const args: UpdateUserArgs = {
      ...parseUserFields(raw),
      username: raw.updateUser ?? '',
      newUsername: raw.newUsername,
      quota: parseQuotaChange(raw),
      sendAs: parseSendAsChange(raw),
      features: parseFeatureChange(raw),
    };
    if (!changesFields(args) && !args.quota && !args.sendAs && !args.features) {
      throw new UsageError('Missing information to update user (e.g. password, quota, see --help).');
    }
    return args;
  },
  async run(ctx, args) {
    let user: Output<'getUser'>['user'];
    try {
      user = (await ctx.api.call('getUser', { username: args.username })).user;
    } catch (err) {
      return failed(ctx, `Failed to resolve user: ${codeString(err, args.username)}`);
    }
    if (args.newUsername !== undefined && args.newUsername !== args.username) {
      try {
        await ctx.api.call('resolveUsername', { username: args.newUsername });
        return failed(ctx, `User with name '${args.newUsername}' is already present.`);
      } catch (err) {
        if (!isKcError(err, 'KCERR_NOT_FOUND')) return failed(ctx, perror('Unable to update user information', err));
      }
    }
    const pw = await resolvePassword(ctx, args.password);
    if (pw === null) return 1;

    let current = args.username;
    if (changesFields(args)) {
      try {
        const updated = await ctx.api.call('setUser', {
          username: args.username,
          changes: {
            username: args.newUsername,
            password: pw.password,
            fullName: args.fullName,
            email: args.email,
            isAdmin: args.admin === undefined ? undefined : args.admin > 0,
            active: args.nonActive === undefined ? undefined : !args.nonActive,
            // A list cannot say "unchanged": send the current aliases so they stay as they are.
            aliases: user.aliases,
          },
        });
        current = updated.user.username;
      } catch (err) {
        return failed(ctx, perror('Unable to update user information', err));
      }
    }
    if (args.features && !(await applyFeatures(ctx, current, args.features))) return 1;
    if (args.quota && !(await applyQuota(ctx, current, args.quota, true))) return 1;
    if (args.sendAs && !(await applySendAs(ctx, current, args.sendAs))) return 1;
    ctx.out.line('User information updated.');
    return 0;
  },
});
