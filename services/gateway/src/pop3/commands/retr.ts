/** RETR msg (RFC 1939 §5): the whole message, dot-stuffed, streamed with back-pressure. */
import { dotStuffed, ok } from '@kgc/pop3-proto';
import { POP3_PREFETCH_AHEAD, POP3_PREFETCH_BYTES, POP3_PREFETCH_FIRST, PREFETCH_MAX_SIZE } from '../../limits.js';
import type { Pop3CommandSpec, Pop3Context } from '../context.js';
import { pop3ErrorOf } from '../errors.js';
import { messageOf, transaction } from './common.js';

/**
 * Clients RETR one message after the other: the (small) messages ahead of this one are asked for
 * in blocks, the next once fewer than POP3_PREFETCH_AHEAD / 2 are left, so the client waits for
 * neither a server round trip nor a call per message. The session's first block reaches
 * POP3_PREFETCH_FIRST messages ahead and each next one four times as far, up to
 * POP3_PREFETCH_AHEAD: the first RETR waits for a small call, not for 256 messages. A block's
 * bytes are bounded in proportion (POP3_PREFETCH_BYTES for a full one), so the first three,
 * asked for by the first three RETRs, hold about 5 MiB at most.
 */
function prefetchAhead(ctx: Pop3Context, n: number): void {
  const { store, drop } = transaction(ctx);
  if (drop.prefetchedTo - n > POP3_PREFETCH_AHEAD / 2) return;
  const ahead = Math.min(POP3_PREFETCH_AHEAD, drop.prefetchBlock === 0 ? POP3_PREFETCH_FIRST : drop.prefetchBlock * 4);
  drop.prefetchBlock = ahead;
  const end = Math.min(drop.messages.length, n + ahead);
  const budget = (POP3_PREFETCH_BYTES * ahead) / POP3_PREFETCH_AHEAD;
  const ids: number[] = [];
  let bytes = 0;
  let i = Math.max(n, drop.prefetchedTo);
  for (; i < end && bytes < budget; i++) {
    const m = drop.messages[i];
    if (m && !drop.deleted.has(i) && m.size <= PREFETCH_MAX_SIZE) {
      ids.push(m.messageId);
      bytes += m.size;
    }
  }
  drop.prefetchedTo = Math.max(drop.prefetchedTo, i);
  if (ids.length > 0) void store.rawMany(ids).catch(() => undefined);
}

/** RETR and TOP: fetch (or take from the cache), then stream. */
export async function sendMessage(ctx: Pop3Context, n: number, topLines?: number): Promise<void> {
  const { store, drop } = transaction(ctx);
  const m = messageOf(drop, n);
  // This message rides in the block asked for now (raw() waits for it), not in a call of its own.
  if (topLines === undefined) prefetchAhead(ctx, n - 1);
  let raw: Buffer;
  try {
    raw = await store.raw(m.messageId);
  } catch (e) {
    throw pop3ErrorOf(e);
  }
  // The status line goes out with the first chunk: one write (one wake-up of the client) for a
  // message of up to writeChunk bytes.
  const head = ok(topLines === undefined ? `${m.size} octets` : '');
  const opts = { chunkSize: ctx.limits.writeChunk, head, ...(topLines !== undefined ? { topLines } : {}) };
  for (const chunk of dotStuffed(raw, opts)) await ctx.send(chunk);
}

export const retr: Pop3CommandSpec<'RETR'> = {
  name: 'RETR',
  states: ['transaction'],
  handle: (ctx, command) => sendMessage(ctx, command.msg),
};
