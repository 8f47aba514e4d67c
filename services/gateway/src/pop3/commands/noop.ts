/** NOOP (RFC 1939 §5). */
import { ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';

export const noop: Pop3CommandSpec<'NOOP'> = {
  name: 'NOOP',
  states: ['transaction'],
  async handle(ctx) {
    await ctx.send(ok());
  },
};
