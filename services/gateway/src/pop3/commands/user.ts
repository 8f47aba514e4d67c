/** USER (RFC 1939 §7): the name for the following PASS. */
import { ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';
import { Pop3Error } from '../errors.js';

export const user: Pop3CommandSpec<'USER'> = {
  name: 'USER',
  states: ['authorization'],
  async handle(ctx, command) {
    if (ctx.state.kind !== 'authorization') return;
    if (!ctx.plaintextAllowed())
      throw new Pop3Error('Plaintext authentication disallowed on non-secure connections.', 'AUTH');
    ctx.state = { kind: 'authorization', failures: ctx.state.failures, user: command.user };
    await ctx.send(ok('Send your password.'));
  },
};
