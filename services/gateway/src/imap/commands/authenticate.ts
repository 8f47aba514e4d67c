/** AUTHENTICATE PLAIN (RFC 3501 §6.2.2, RFC 4616), with SASL-IR (RFC 4959) or a continuation. */
import { decodeSaslPlain } from '../../auth/sasl-plain.js';
import type { ImapCommandSpec, ImapContext, TaggedOk } from '../context.js';
import { bad, no } from '../errors.js';

/**
 * The decoded PLAIN response: log in; BAD when it is malformed, NO [AUTHORIZATIONFAILED] (RFC 5530)
 * when it asks to act as another user.
 */
export async function plainLogin(ctx: ImapContext, data: Buffer): Promise<TaggedOk> {
  const r = decodeSaslPlain(data.toString('base64'));
  if (!r.ok && r.authorization) throw no('Authorization identity not permitted.', 'AUTHORIZATIONFAILED');
  if (!r.ok) throw bad(`Invalid response: ${r.error}.`);
  return ctx.login(r.credentials.username, r.credentials.password);
}

export const authenticate: ImapCommandSpec<'AUTHENTICATE'> = {
  name: 'AUTHENTICATE',
  states: ['not-authenticated'],
  async handle(ctx, command) {
    if (command.mechanism !== 'PLAIN') throw no('Unsupported authentication mechanism.', 'CANNOT');
    if (!ctx.plaintextAllowed())
      throw no('Plaintext authentication disallowed on non-secure connections.', 'PRIVACYREQUIRED');
    if (command.initialResponse !== null) return plainLogin(ctx, command.initialResponse);
    ctx.setMode({ kind: 'sasl', tag: command.tag });
    await ctx.send('+ \r\n');
    return null;
  },
};
