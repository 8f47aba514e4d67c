import { KcError } from '@kgc/soap';
import { assertStoreAccess } from '../auth/principal.js';
import { MAX_LOAD_MESSAGES } from '../limits.js';
import { principal } from './common.js';
import type { Op } from './op.js';

/** The header block of a message: through the first empty line (CRLF CRLF or bare LF LF), or all of it. */
export function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf >= 0 ? crlf + 4 : -1, lf >= 0 ? lf + 2 : -1].filter((n) => n >= 0);
  // A message that starts with its empty line has no header fields.
  if (raw[0] === 0x0a) return raw.subarray(0, 1);
  if (raw[0] === 0x0d && raw[1] === 0x0a) return raw.subarray(0, 2);
  return ends.length > 0 ? raw.subarray(0, Math.min(...ends)) : raw;
}

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
  const found = await ctx.storage.messages.getRawMessages(input.messageIds);
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
