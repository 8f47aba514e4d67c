/** ENABLE (RFC 5161): CONDSTORE and QRESYNC can be enabled (RFC 7162); anything else is not offered. */
import type { ImapCommandSpec } from '../context.js';

export const enable: ImapCommandSpec<'ENABLE'> = {
  name: 'ENABLE',
  states: ['authenticated'],
  async handle(ctx, command) {
    // RFC 5161 §3.1: ENABLED lists what this command enabled, not what was on already.
    const enabled: string[] = [];
    const qresyncWas = ctx.qresync;
    if (command.capabilities.includes('CONDSTORE') && !ctx.condstore) {
      await ctx.enableCondstore();
      enabled.push('CONDSTORE');
    }
    if (command.capabilities.includes('QRESYNC') && !qresyncWas) {
      ctx.enableQresync();
      enabled.push('QRESYNC');
    }
    await ctx.untagged(['ENABLED', ...enabled].join(' '));
    return { text: 'ENABLE completed.' };
  },
};
