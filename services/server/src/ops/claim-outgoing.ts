import { KcError } from '@kgc/soap';
import { assertService } from '../auth/principal.js';
import { MAX_CLAIM, MAX_LEASE_SECONDS } from '../limits.js';
import { QueueFlag } from '../storage/queue.js';
import { principal } from './common.js';
import type { Op } from './op.js';

export const claimOutgoing: Op<'claimOutgoing'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  if (input.max < 1 || input.max > MAX_CLAIM)
    throw new KcError('KCERR_INVALID_PARAMETER', `max must be 1..${MAX_CLAIM}`);
  if (input.leaseSeconds < 1 || input.leaseSeconds > MAX_LEASE_SECONDS)
    throw new KcError('KCERR_INVALID_PARAMETER', `leaseSeconds must be 1..${MAX_LEASE_SECONDS}`);
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
      submittedAt: new Date(e.submittedAt),
    })),
  };
};
