/** RETR msg (RFC 1939 §5): the whole message, dot-stuffed, streamed with back-pressure. */
import { dotStuffed, ok } from '@kgc/pop3-proto';
import {
  POP3_PREFETCH_AHEAD,
  POP3_PREFETCH_BLOCK,
  POP3_PREFETCH_BYTES,
  POP3_PREFETCH_FIRST,
  PREFETCH_MAX_SIZE,
} from '../../limits.js';
import type { Pop3CommandSpec, Pop3Context } from '../context.js';
import { pop3ErrorOf } from '../errors.js';
import { messageOf, transaction } from './common.js';

/**
 * Clients RETR one message after the other: the (small) messages ahead of this one are asked for
 * in blocks, so the client waits for neither a server round trip nor a call per message. The
 * session's first block is POP3_PREFETCH_FIRST messages (the first RETR waits for it); from the
 * next RETR on, blocks of POP3_PREFETCH_BLOCK keep up to POP3_PREFETCH_AHEAD messages and
 * POP3_PREFETCH_BYTES asked for ahead, the next block going out as soon as the client has used
 * one: several are on their way at once, so the client does not catch up with a big one.
 */
function prefetchAhead(ctx: Pop3Context, n: number): void {
  const { store, drop } = transaction(ctx);
  const first = drop.prefetchBlock === 0;
  const end = Math.min(drop.messages.length, n + (first ? POP3_PREFETCH_FIRST : POP3_PREFETCH_AHEAD));
  let i = Math.max(n, drop.prefetchedTo);
  // A block once at least a block's worth of messages (the rest of the mailbox) and of bytes is
  // missing: never a call for a message or two. The first block goes at once. (Messages first:
  // most RETRs stop here, before the bytes ahead are added up.)
  const fewMissing = end - i < POP3_PREFETCH_BLOCK && end < drop.messages.length;
  if (!first && (fewMissing || i >= end)) return;
  // Asked for ahead, in bytes (what is before n is used or skipped).
  let ahead = 0;
  for (let k = n; k < i; k++) ahead += sizeAhead(drop, k);
  const blockBytes = (POP3_PREFETCH_BYTES * POP3_PREFETCH_BLOCK) / POP3_PREFETCH_AHEAD;
  if (!first && POP3_PREFETCH_BYTES - ahead < blockBytes) return;
  while (i < end && ahead < POP3_PREFETCH_BYTES) {
    const blockEnd = Math.min(end, i + (first ? POP3_PREFETCH_FIRST : POP3_PREFETCH_BLOCK));
    const ids: number[] = [];
    for (; i < blockEnd && ahead < POP3_PREFETCH_BYTES; i++) {
      const size = sizeAhead(drop, i);
      const m = drop.messages[i];
      if (m && size > 0) {
        ids.push(m.messageId);
        ahead += size;
      }
    }
    drop.prefetchBlock++;
    if (ids.length > 0) void store.rawMany(ids).catch(() => undefined);
  }
  drop.prefetchedTo = Math.max(drop.prefetchedTo, i);
}

/** Bytes message `i` costs when asked for ahead: 0 when deleted or too large to load ahead. */
function sizeAhead(drop: ReturnType<typeof transaction>['drop'], i: number): number {
  const m = drop.messages[i];
  return m && !drop.deleted.has(i) && m.size <= PREFETCH_MAX_SIZE ? m.size : 0;
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
