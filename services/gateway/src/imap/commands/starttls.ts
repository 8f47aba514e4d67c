/** STARTTLS (RFC 3501 §6.2.1): the tagged OK goes out in plain text, then the handshake. */
import type { ImapCommandSpec } from '../context.js';
import { bad } from '../errors.js';

export const starttls: ImapCommandSpec<'STARTTLS'> = {
  name: 'STARTTLS',
  states: ['not-authenticated'],
  async handle(ctx, command) {
    if (ctx.secure) throw bad('TLS is already active.');
    if (!ctx.canStartTls) throw bad('TLS is not available.');
    await ctx.send(`${command.tag} OK Begin TLS negotiation now.\r\n`);
    await ctx.startTls();
    return null;
  },
};
