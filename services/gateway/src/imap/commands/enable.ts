/** ENABLE (RFC 5161): CONDSTORE and QRESYNC can be enabled (RFC 7162); anything else is not offered. */
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
    if (command.capabilities.includes('QRESYNC')) {
      ctx.enableQresync();
      enabled.push('QRESYNC');
    }
    await ctx.untagged(['ENABLED', ...enabled].join(' '));
    return { text: 'ENABLE completed.' };
  },
};
