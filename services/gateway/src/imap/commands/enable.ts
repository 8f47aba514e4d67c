/** ENABLE (RFC 5161): CONDSTORE can be enabled (RFC 7162 §3.1); anything else is not offered. */
import type { ImapCommandSpec } from '../context.js';

export const enable: ImapCommandSpec<'ENABLE'> = {
  name: 'ENABLE',
  states: ['authenticated'],
  async handle(ctx, command) {
    const enabled: string[] = [];
    if (command.capabilities.includes('CONDSTORE')) {
      ctx.enableCondstore();
      enabled.push('CONDSTORE');
    }
    await ctx.untagged(['ENABLED', ...enabled].join(' '));
    return { text: 'ENABLE completed.' };
  },
};
