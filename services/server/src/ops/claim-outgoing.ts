import { KcError } from '@kgc/soap';
import { assertService } from '../auth/principal.js';
import { QueueFlag } from '../storage/queue.js';
import { principal } from './common.js';
import type { Op } from './op.js';

export const claimOutgoing: Op<'claimOutgoing'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  if (input.max < 1 || input.max > 1000) throw new KcError('KCERR_INVALID_PARAMETER', 'max must be 1..1000');
  if (input.leaseSeconds < 1 || input.leaseSeconds > 3600)
    throw new KcError('KCERR_INVALID_PARAMETER', 'leaseSeconds must be 1..3600');
  const entries = await ctx.storage.queue.claim({
    owner: input.owner,
    limit: input.max,
    leaseMs: input.leaseSeconds * 1000,
  });
  const users = new Map(
    (await ctx.storage.users.getUsers([...new Set(entries.map((e) => e.userId))])).map((u) => [u.id, u]),
  );
  return {
    entries: entries.map((e) => ({
      queueId: e.id,
      storeId: e.storeId,
      messageId: e.messageId,
      userId: e.userId,
      username: users.get(e.userId)?.loginName ?? '',
      attempts: e.attempts,
      deleteAfterSubmit: (e.flags & QueueFlag.DeleteAfterSubmit) !== 0,
      leaseExpires: new Date(e.leaseExpiresAt ?? 0),
    })),
  };
};
