import { KcError } from '@kgc/soap';
import { splitFlags } from '../flags.js';
import { mimeColumns } from '../mime-columns.js';
import type { NewMessage } from '../storage/message-types.js';
import { accessFolderStore, announce, principal } from './common.js';
import type { Op } from './op.js';

/**
 * One raw message into several folders (the recipients' stores) in one transaction: the bytes are
 * parsed once and stored once. A target at hard quota fails alone (per-target error code). A target
 * whose deliveryKey its store already knows returns the message stored then (an MTA retry).
 */
export const deliverMessage: Op<'deliverMessage'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  if (input.targets.length === 0) throw new KcError('KCERR_INVALID_PARAMETER', 'no targets');
  if (input.ignoreQuota && p.kind !== 'service')
    throw new KcError('KCERR_NO_ACCESS', 'ignoreQuota needs a service session');
  for (const t of input.targets) await accessFolderStore(ctx, p, t.folderId);
  const columns = await mimeColumns(input.raw);
  const messages: NewMessage[] = input.targets.map((t) => {
    const { mask, keywords } = splitFlags(t.flags);
    return {
      folderId: t.folderId,
      mime: input.raw,
      flags: mask,
      keywords,
      ...(t.internalDate ? { internalDate: t.internalDate.getTime() } : {}),
      ...(t.deliveryKey !== undefined ? { deliveryKey: t.deliveryKey } : {}),
      ...columns,
    };
  });
  const r = await ctx.writes.createMessages(messages, { skipQuotaCheck: input.ignoreQuota === true });
  announce(ctx, r.changes);
  return {
    results: r.results.map((res, i) => {
      const folderId = input.targets[i]?.folderId ?? 0;
      return res.ok
        ? { folderId, messageId: res.id, uid: res.uid, modseq: res.modseq }
        : { folderId, error: res.error instanceof KcError ? res.error.code : 'KCERR_UNKNOWN' };
    }),
  };
};
