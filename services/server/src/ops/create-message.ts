import { KcError } from '@kgc/soap';
import { splitFlags } from '../flags.js';
import { mimeColumns } from '../mime-columns.js';
import type { NewMessage } from '../storage/message-types.js';
import { accessFolderStore, announce, principal } from './common.js';
import type { Op } from './op.js';
import { propsIn } from './props.js';

export const createMessage: Op<'createMessage'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  await accessFolderStore(ctx, p, input.folderId);
  if (!input.raw && input.props.length === 0)
    throw new KcError('KCERR_INVALID_PARAMETER', 'give raw MIME and/or props');
  const { mask, keywords } = splitFlags(input.flags);
  const msg: NewMessage = {
    folderId: input.folderId,
    flags: mask,
    keywords,
    ...(input.internalDate ? { internalDate: input.internalDate.getTime() } : {}),
    ...(input.messageClass ? { messageClass: input.messageClass } : {}),
    ...(input.raw ? { mime: input.raw, ...(await mimeColumns(input.raw)) } : {}),
    ...(input.props.length > 0 ? { properties: propsIn(input.props) } : {}),
  };
  const r = await ctx.writes.createMessages([msg]);
  const res = r.results[0];
  if (!res) throw new KcError('KCERR_UNKNOWN', 'message not created');
  if (!res.ok) throw res.error;
  announce(ctx, r.changes);
  return { messageId: res.id, uid: res.uid, modseq: res.modseq };
};
