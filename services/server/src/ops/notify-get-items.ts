import { KcError } from '@kgc/soap';
import { assertStoreAccess } from '../auth/principal.js';
import { MAX_CHANGES } from '../limits.js';
import { principal } from './common.js';
import { changeOut } from './convert.js';
import type { Op } from './op.js';

/**
 * KGC's long poll: returns at once when the store has changes after sinceModseq, else waits for a
 * change notice on the bus (from any replica) or at most notify_max_wait (60 s), then answers with
 * whatever the journal holds.
 */
export const notifyGetItems: Op<'notifyGetItems'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  assertStoreAccess(p, input.storeId);
  const max = ctx.config.notify_max_wait;
  const waitMs = input.timeoutSeconds === undefined ? max : input.timeoutSeconds * 1000;
  if (waitMs < 0 || waitMs > max)
    throw new KcError('KCERR_INVALID_PARAMETER', `timeoutSeconds must be 0..${max / 1000}`);
  const read = async () => {
    const r = await ctx.storage.journal.getChanges(input.storeId, input.sinceModseq, { limit: MAX_CHANGES });
    return { highestModseq: r.highestModseq, changes: r.entries.map(changeOut), more: r.more, truncated: r.truncated };
  };
  const wait = ctx.notifier.waitForChange(input.storeId, input.sinceModseq, waitMs);
  try {
    const now = await read();
    if (now.changes.length > 0 || now.truncated || waitMs === 0) return now;
    await wait.promise;
    return await read();
  } finally {
    wait.cancel();
  }
};
