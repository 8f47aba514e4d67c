/** STLS (RFC 2595 §4): TLS before login; input pipelined after the command is dropped. */
import { ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';
import { Pop3Error } from '../errors.js';

export const stls: Pop3CommandSpec<'STLS'> = {
  name: 'STLS',
  states: ['authorization'],
  async handle(ctx) {
    if (ctx.secure) throw new Pop3Error('TLS is already active.');
    if (!ctx.canStartTls) throw new Pop3Error('TLS is not available.');
    await ctx.send(ok('Begin TLS negotiation now.'));
    await ctx.startTls();
  },
};
