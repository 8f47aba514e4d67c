/**
 * AUTH (RFC 5034): `AUTH` alone lists the mechanisms; `AUTH PLAIN [initial-response]`, the
 * response on the next line when not given (`*` cancels). PLAIN is the only mechanism.
 */
import { continuation, err, multiline, ok } from '@kgc/pop3-proto';
import { decodeSaslPlain } from '../../auth/sasl-plain.js';
import type { Pop3CommandSpec, Pop3Context } from '../context.js';
import { Pop3Error } from '../errors.js';
import { login } from '../login.js';

/** The SASL response line (after `+ `), or the initial response. */
export async function saslResponse(ctx: Pop3Context, response: string): Promise<void> {
  if (ctx.state.kind !== 'authorization') return;
  ctx.state = { kind: 'authorization', failures: ctx.state.failures };
  if (response === '*') {
    await ctx.send(err('Authentication cancelled.'));
    return;
  }
  const plain = decodeSaslPlain(response === '=' ? '' : response);
  if (!plain.ok) {
    await ctx.send(err(`Invalid response: ${plain.error}.`));
    return;
  }
  await login(ctx, plain.credentials.username, plain.credentials.password);
}

export const auth: Pop3CommandSpec<'AUTH'> = {
  name: 'AUTH',
  states: ['authorization'],
  async handle(ctx, command) {
    if (ctx.state.kind !== 'authorization') return;
    if (command.mechanism === undefined) {
      // RFC 1734 style listing, as clients probe with a bare AUTH.
      await ctx.send(multiline(ok('Supported mechanisms'), ctx.plaintextAllowed() ? ['PLAIN'] : []));
      return;
    }
    if (command.mechanism !== 'PLAIN') throw new Pop3Error('Unsupported authentication mechanism.');
    if (!ctx.plaintextAllowed())
      throw new Pop3Error('Plaintext authentication disallowed on non-secure connections.', 'AUTH');
    if (command.initial !== undefined) {
      await saslResponse(ctx, command.initial);
      return;
    }
    ctx.state = { kind: 'authorization', failures: ctx.state.failures, saslPending: true };
    await ctx.send(continuation());
  },
};
