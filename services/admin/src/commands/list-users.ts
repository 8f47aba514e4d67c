/** `-l` / `--list-users`. Without hosted companies everything is in KGC's "Default" company. */
import { defineCommand, failed } from '../command.js';
import { renderUsers } from '../console-table.js';
import { perror } from '../fault-text.js';

export const listUsers = defineCommand<Record<string, never>>({
  name: 'list-users',
  trigger: 'listUsers',
  options: [],
  parse: () => ({}),
  async run(ctx) {
    let users: { username: string; fullName: string }[];
    try {
      users = (await ctx.api.call('getUserList', {})).users;
    } catch (err) {
      return failed(ctx, perror('Unable to list users', err));
    }
    ctx.out.line(`User list for Default(${users.length}):`);
    ctx.out.lines(renderUsers(users));
    ctx.out.line();
    return 0;
  },
});
