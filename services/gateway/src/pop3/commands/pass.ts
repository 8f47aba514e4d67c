/** PASS (RFC 1939 §7): only right after USER. */
import type { Pop3CommandSpec } from '../context.js';
import { Pop3Error } from '../errors.js';
import { login } from '../login.js';

export const pass: Pop3CommandSpec<'PASS'> = {
  name: 'PASS',
  states: ['authorization'],
  async handle(ctx, command) {
    if (ctx.state.kind !== 'authorization') return;
    const name = ctx.state.user;
    if (name === undefined) throw new Pop3Error('Send USER first.');
    if (!ctx.plaintextAllowed())
      throw new Pop3Error('Plaintext authentication disallowed on non-secure connections.', 'AUTH');
    await login(ctx, name, command.password);
  },
};
