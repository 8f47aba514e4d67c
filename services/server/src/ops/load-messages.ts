import { headerBlock } from '@kgc/mapi';
import { KcError } from '@kgc/soap';
import { assertStoreAccess } from '../auth/principal.js';
import { MAX_LOAD_MESSAGES } from '../limits.js';
import { principal } from './common.js';
import type { Op } from './op.js';

/**
 * Raw MIME of many messages in one read (the gateway's FETCH, SEARCH and POP3 prefetch). Unlike
 * loadObject, a message that is gone or in another store is left out rather than failing the call:
 * a mailbox changes under a client, and one expunged message must not cost the others.
 */
export const loadMessages: Op<'loadMessages'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  if (input.messageIds.length > MAX_LOAD_MESSAGES)
    throw new KcError('KCERR_INVALID_PARAMETER', `at most ${MAX_LOAD_MESSAGES} messages per call`);
  if (input.messageIds.length === 0) return { messages: [] };
  const found = await ctx.storage.messages.getRawMessages(input.messageIds, {
    headersOnly: input.headersOnly ?? false,
  });
  const messages: Array<{ messageId: number; raw: Buffer }> = [];
  for (const m of found) {
    if (p.kind === 'user') {
      try {
        assertStoreAccess(p, m.storeId);
      } catch {
        continue;
      }
    }
    if (m.mime) messages.push({ messageId: m.id, raw: input.headersOnly ? headerBlock(m.mime) : m.mime });
  }
  return { messages };
};
