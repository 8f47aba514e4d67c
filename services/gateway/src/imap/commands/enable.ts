/** ENABLE (RFC 5161): none of the extensions that need enabling is offered, so none is enabled. */
import type { ImapCommandSpec } from '../context.js';

export const enable: ImapCommandSpec<'ENABLE'> = {
  name: 'ENABLE',
  states: ['authenticated'],
  async handle(ctx) {
    await ctx.untagged('ENABLED');
    return { text: 'ENABLE completed.' };
  },
};
