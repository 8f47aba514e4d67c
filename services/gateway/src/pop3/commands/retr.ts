/** RETR msg (RFC 1939 §5): the whole message, dot-stuffed, streamed with back-pressure. */
import { dotStuffed, ok } from '@kgc/pop3-proto';
import { POP3_PREFETCH_AHEAD, PREFETCH_MAX_SIZE } from '../../limits.js';
import type { Pop3CommandSpec, Pop3Context } from '../context.js';
import { pop3ErrorOf } from '../errors.js';
import { messageOf, transaction } from './common.js';

/**
 * Clients RETR one message after the other: while one is sent, the next POP3_PREFETCH_AHEAD
 * (small) ones are asked for, so the client's wait is not a server round trip each.
 */
function prefetchAhead(ctx: Pop3Context, n: number): void {
  const { store, drop } = transaction(ctx);
  const end = Math.min(drop.messages.length, n + POP3_PREFETCH_AHEAD);
  const ids: number[] = [];
  for (let i = Math.max(n, drop.prefetchedTo); i < end; i++) {
    const m = drop.messages[i];
    if (m && !drop.deleted.has(i) && m.size <= PREFETCH_MAX_SIZE) ids.push(m.messageId);
  }
  drop.prefetchedTo = Math.max(drop.prefetchedTo, end);
  if (ids.length > 0) void store.rawMany(ids).catch(() => undefined);
}

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
  if (topLines === undefined) prefetchAhead(ctx, n);
  await ctx.send(ok(topLines === undefined ? `${m.size} octets` : ''));
  const opts = { chunkSize: ctx.limits.writeChunk, ...(topLines !== undefined ? { topLines } : {}) };
  for (const chunk of dotStuffed(raw, opts)) await ctx.send(chunk);
}

export const retr: Pop3CommandSpec<'RETR'> = {
  name: 'RETR',
  states: ['transaction'],
  handle: (ctx, command) => sendMessage(ctx, command.msg),
};
