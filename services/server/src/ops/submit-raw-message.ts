import { subjects } from '@kgc/bus';
import { KcError } from '@kgc/soap';
import { MAX_ADDRESS_LENGTH, MAX_SUBMIT_RECIPIENTS } from '../limits.js';
import { mimeColumns } from '../mime-columns.js';
import { MessageFlag } from '../storage/message-flags.js';
import { announce, principal } from './common.js';
import type { Op } from './op.js';

/** The property holding the SMTP envelope of a submitted message (JSON `{ from, to }`); the spooler sends to it. */
export const ENVELOPE_PROPERTY = 'kgc:smtp-envelope';

const badAddress = (a: string) => a.length === 0 || a.length > MAX_ADDRESS_LENGTH || /[\s<>]/.test(a);

/**
 * SMTP submission (RFC 6409) for IMAP clients: the bytes are stored in the user's Sent Items (seen)
 * and queued for the spooler with their envelope in one transaction, so the listener answers 250
 * only for a message that is both kept and queued. Soft or hard quota refuses (KCERR_STORE_FULL).
 */
export const submitRawMessage: Op<'submitRawMessage'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  if (p.kind !== 'user' || p.storeId === null)
    throw new KcError('KCERR_NO_ACCESS', 'submitRawMessage needs a user session with a store');
  if (input.envelopeTo.length === 0) throw new KcError('KCERR_INVALID_PARAMETER', 'no envelope recipients');
  if (input.envelopeTo.length > MAX_SUBMIT_RECIPIENTS)
    throw new KcError('KCERR_INVALID_PARAMETER', `at most ${MAX_SUBMIT_RECIPIENTS} recipients`);
  for (const a of [...input.envelopeTo, ...(input.envelopeFrom === '' ? [] : [input.envelopeFrom])]) {
    if (badAddress(a)) throw new KcError('KCERR_INVALID_PARAMETER', `bad envelope address ${JSON.stringify(a)}`);
  }
  if (input.raw.length === 0) throw new KcError('KCERR_INVALID_PARAMETER', 'empty message');
  const storeId = p.storeId;
  const sent = await ctx.storage.folders.findFolderByRole(storeId, 'sent');
  if (!sent) throw new KcError('KCERR_NOT_FOUND', 'the store has no Sent Items folder');
  const columns = await mimeColumns(input.raw);
  const envelope = JSON.stringify({ from: input.envelopeFrom, to: input.envelopeTo });
  const { messageId, queueId, changes } = await ctx.storage.withTransaction(async (tx) => {
    const r = await tx.messages.createMessages([
      {
        folderId: sent.id,
        mime: input.raw,
        flags: MessageFlag.Seen,
        ...columns,
        properties: { [ENVELOPE_PROPERTY]: { type: 'string', value: envelope } },
      },
    ]);
    const res = r.results[0];
    if (!res) throw new KcError('KCERR_UNKNOWN', 'message not created');
    if (!res.ok) throw res.error;
    const entry = await tx.queue.enqueue({ messageId: res.id, userId: p.userId });
    return { messageId: res.id, queueId: entry.id, changes: r.changes };
  });
  announce(ctx, changes);
  ctx.bus.enqueue(subjects.mailSubmitted, { storeId, queueId }).catch((err: unknown) => {
    ctx.log.warn({ err, queueId }, 'could not announce a submitted message; the spooler rescan picks it up');
  });
  return { messageId, queueId };
};
