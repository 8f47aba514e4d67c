import { KcError } from '@kgc/soap';
import { joinFlags, splitFlags } from '../flags.js';
import type { FlagChange } from '../storage/message-types.js';
import { accessFolder, accessMessagePlaces, announce, principal } from './common.js';
import type { Op } from './op.js';

export const setMessageFlags: Op<'setMessageFlags'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const folder = await accessFolder(ctx, p, input.folderId);
  const msgs = await accessMessagePlaces(ctx, p, input.messageIds);
  if (msgs.some((m) => m.folderId !== folder.id))
    throw new KcError('KCERR_INVALID_PARAMETER', 'a message is in another folder');
  const change: FlagChange = {};
  if (input.replaceAll || input.replace.length > 0) {
    if (input.add.length > 0 || input.remove.length > 0) {
      throw new KcError('KCERR_INVALID_PARAMETER', 'replace excludes add/remove');
    }
    const r = splitFlags(input.replace);
    change.replace = r.mask;
    change.replaceKeywords = r.keywords;
  } else {
    const a = splitFlags(input.add);
    const d = splitFlags(input.remove);
    if (a.mask) change.add = a.mask;
    if (d.mask) change.remove = d.mask;
    if (a.keywords.length) change.addKeywords = a.keywords;
    if (d.keywords.length) change.removeKeywords = d.keywords;
  }
  const r = await ctx.storage.messages.setFlags(
    input.messageIds,
    change,
    input.unchangedSince === undefined ? {} : { unchangedSince: input.unchangedSince },
  );
  announce(ctx, r.changes);
  const modseq = Math.max(folder.highestModseq, ...r.changes.map((c) => c.modseq));
  return {
    modseq,
    updated: r.messages.map((m) => ({
      messageId: m.id,
      uid: m.uid,
      modseq: m.modseq,
      flags: joinFlags(m.flags, m.keywords),
    })),
    failed: r.modified,
  };
};
