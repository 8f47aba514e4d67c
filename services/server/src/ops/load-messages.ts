import { headerBlock } from '@kgc/mapi';
import { KcError } from '@kgc/soap';
import { MAX_LOAD_BYTES, MAX_LOAD_MESSAGES } from '../limits.js';
import { mayReadStore, principal } from './common.js';
import type { Op } from './op.js';

/**
 * Raw MIME of many messages in one read (the gateway's FETCH, SEARCH and POP3 prefetch). Unlike
 * loadObject, a message that is gone or in another store is left out rather than failing the call:
 * a mailbox changes under a client, and one expunged message must not cost the others. At most
 * MAX_LOAD_BYTES of messages are read per call (the first always): the messages after that are
 * answered in `deferred`, to be asked for again.
 */
export const loadMessages: Op<'loadMessages'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  if (input.messageIds.length > MAX_LOAD_MESSAGES)
    throw new KcError('KCERR_INVALID_PARAMETER', `at most ${MAX_LOAD_MESSAGES} messages per call`);
  if (input.messageIds.length === 0) return { messages: [], deferred: [] };
  const headersOnly = input.headersOnly ?? false;
  const found = await ctx.storage.messages.getRawMessages(input.messageIds, {
    headersOnly,
    maxBytes: MAX_LOAD_BYTES,
    accept: (storeId) => mayReadStore(p, storeId),
  });
  const messages: Array<{ messageId: number; raw: Buffer }> = [];
  for (const m of found.messages)
    if (m.mime) messages.push({ messageId: m.id, raw: headersOnly ? headerBlock(m.mime) : m.mime });
  return { messages, deferred: found.deferred };
};
