/** `-d user`: deletes the user and its store. */
import { defineCommand, failed } from '../command.js';
import { codeString } from '../fault-text.js';

export interface DeleteUserArgs {
  readonly username: string;
}

export const deleteUser = defineCommand<DeleteUserArgs>({
  name: 'delete-user',
  trigger: 'deleteUser',
  options: [],
  parse: (raw) => ({ username: raw.deleteUser ?? '' }),
  async run(ctx, { username }) {
    try {
      await ctx.api.call('resolveUsername', { username });
    } catch (err) {
      return failed(ctx, `Failed to resolve user: ${codeString(err, username)}`);
    }
    try {
      await ctx.api.call('deleteUser', { username });
    } catch (err) {
      return failed(ctx, `Unable to delete user: ${codeString(err, username)}`);
    }
    ctx.out.line('User deleted.');
    return 0;
  },
});
