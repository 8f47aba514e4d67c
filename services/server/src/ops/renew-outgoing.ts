import { KcError } from '@kgc/soap';
import { assertService } from '../auth/principal.js';
import { MAX_CLAIM, MAX_LEASE_SECONDS } from '../limits.js';
import { principal } from './common.js';
import type { Op } from './op.js';

/** A spooler keeps the entries it is sending; an entry whose lease expired and was taken is not renewed. */
export const renewOutgoing: Op<'renewOutgoing'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  if (input.queueIds.length > MAX_CLAIM)
    throw new KcError('KCERR_INVALID_PARAMETER', `at most ${MAX_CLAIM} entries per call`);
  if (input.leaseSeconds < 1 || input.leaseSeconds > MAX_LEASE_SECONDS)
    throw new KcError('KCERR_INVALID_PARAMETER', `leaseSeconds must be 1..${MAX_LEASE_SECONDS}`);
  if (input.queueIds.length === 0) return { queueIds: [] };
  const queueIds = await ctx.storage.queue.renewLease(input.queueIds, input.owner, input.leaseSeconds * 1000);
  return { queueIds };
};
