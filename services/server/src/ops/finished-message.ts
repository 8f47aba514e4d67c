import { KcError } from '@kgc/soap';
import { assertService } from '../auth/principal.js';
import { NONE, principal } from './common.js';
import { finishOutgoing } from './finish-outgoing.js';
import type { Op } from './op.js';

/** KGC finishedMessage (and with doSentMail, KGC's DoSentMail in the same transaction: finish-outgoing.ts). */
export const finishedMessage: Op<'finishedMessage'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  const done = await finishOutgoing(ctx, input.owner, [input.queueId], input.doSentMail === true);
  if (done.length === 0) throw new KcError('KCERR_NOT_FOUND', 'no such queue entry leased by this owner');
  return NONE;
};
