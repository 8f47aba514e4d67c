import { KcError } from '@kgc/soap';
import { assertService } from '../auth/principal.js';
import { MAX_CLAIM } from '../limits.js';
import { principal } from './common.js';
import { finishOutgoing } from './finish-outgoing.js';
import type { Op } from './op.js';

/** finishedMessage for many entries, one transaction: a spooler's group commit under load. */
export const finishedMessages: Op<'finishedMessages'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  if (input.queueIds.length > MAX_CLAIM)
    throw new KcError('KCERR_INVALID_PARAMETER', `at most ${MAX_CLAIM} entries per call`);
  return { queueIds: await finishOutgoing(ctx, input.owner, input.queueIds, input.doSentMail === true) };
};
