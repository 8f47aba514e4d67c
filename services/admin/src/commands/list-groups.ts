/** `-L` / `--list-groups`, in KGC's layout (one name per line under a ruled heading). */
import { defineCommand, failed } from '../command.js';
import { perror } from '../fault-text.js';

export const listGroups = defineCommand<Record<string, never>>({
  name: 'list-groups',
  trigger: 'listGroups',
  options: [],
  parse: () => ({}),
  async run(ctx) {
    let names: string[];
    try {
      names = (await ctx.api.call('getGroupList', {})).groups.map((g) => g.name);
    } catch (err) {
      return failed(ctx, perror('Unable to list groups', err));
    }
    ctx.out.line(`Group list for Default(${names.length}):`);
    ctx.out.line('\tgroupname');
    ctx.out.line('\t-------------------------------------');
    ctx.out.lines(names.map((n) => `\t${n}`));
    ctx.out.line();
    return 0;
  },
});
