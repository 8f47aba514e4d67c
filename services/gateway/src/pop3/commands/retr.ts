/** RETR msg (RFC 1939 §5): the whole message, dot-stuffed, streamed with back-pressure. */
import { dotStuffed, ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec, Pop3Context } from '../context.js';
import { pop3ErrorOf } from '../errors.js';
import { messageOf, transaction } from './common.js';

/** RETR and TOP: fetch (or take from the cache), then stream. */
export async function sendMessage(ctx: Pop3Context, n: number, topLines?: number): Promise<void> {
  const { store, drop } = transaction(ctx);
  const m = messageOf(drop, n);
  let raw: Buffer;
  try {
    raw = await store.raw(m.messageId);
  } catch (e) {
    throw pop3ErrorOf(e);
  }
  await ctx.send(ok(topLines === undefined ? `${m.size} octets` : ''));
  const opts = { chunkSize: ctx.limits.writeChunk, ...(topLines !== undefined ? { topLines } : {}) };
  for (const chunk of dotStuffed(raw, opts)) await ctx.send(chunk);
}

export const retr: Pop3CommandSpec<'RETR'> = {
  name: 'RETR',
  states: ['transaction'],
  handle: (ctx, command) => sendMessage(ctx, command.msg),
};
