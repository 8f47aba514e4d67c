import { KcError } from '@kgc/soap';
import { assertStoreAccess } from '../auth/principal.js';
import { MAX_CHANGES } from '../limits.js';
import { accessFolder, principal } from './common.js';
import { changeOut } from './convert.js';
import type { Op } from './op.js';

export const getChanges: Op<'getChanges'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  assertStoreAccess(p, input.storeId);
  // A limit below 1 would read nothing and answer "more: false": the caller would think it is in sync.
  if (input.limit !== undefined && input.limit < 1) throw new KcError('KCERR_INVALID_PARAMETER', 'limit must be >= 1');
  // The folder check and the read side by side (an IMAP SELECT waits for this call): nothing read
  // is answered unless the check passes.
  const [, r] = await Promise.all([
    input.folderId !== undefined ? accessFolder(ctx, p, input.folderId) : undefined,
    ctx.storage.journal.getChanges(input.storeId, input.sinceModseq, {
      ...(input.folderId !== undefined ? { folderId: input.folderId } : {}),
      limit: Math.min(input.limit ?? MAX_CHANGES, MAX_CHANGES),
    }),
  ]);
  return { highestModseq: r.highestModseq, changes: r.entries.map(changeOut), more: r.more, truncated: r.truncated };
};
