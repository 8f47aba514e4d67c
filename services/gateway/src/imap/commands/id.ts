/** ID (RFC 2971): who we are; the client's fields are logged. */
import type { ImapCommandSpec } from '../context.js';

export const id: ImapCommandSpec<'ID'> = {
  name: 'ID',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async handle(ctx, command) {
    if (command.parameters)
      ctx.log.debug({ client: Object.fromEntries(command.parameters.map((p) => [p.field, p.value])) }, 'client ID');
    await ctx.untagged('ID ("name" "KGC-TS" "vendor" "KGC-TS")');
    return { text: 'ID completed.' };
  },
};
