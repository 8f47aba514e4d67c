/** CAPA (RFC 2449): what this connection offers now. */
import { multiline, ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';

export const capa: Pop3CommandSpec<'CAPA'> = {
  name: 'CAPA',
  states: ['authorization', 'transaction'],
  async handle(ctx) {
    const lines = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
    if (ctx.state.kind === 'authorization') {
      if (ctx.canStartTls) lines.push('STLS');
      if (ctx.plaintextAllowed()) lines.push('USER', 'SASL PLAIN');
    }
    lines.push('IMPLEMENTATION KGC-TS');
    await ctx.send(multiline(ok('Capability list follows'), lines));
  },
};
