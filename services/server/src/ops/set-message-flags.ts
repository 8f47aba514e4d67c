import {
  formatNumberSet,
  ImapParseError,
  parseSequenceSet,
  resolveSequenceSet,
  sequenceSetUsesStar,
} from '@kgc/imap-proto';
import { KcError } from '@kgc/soap';
import { joinFlags, splitFlags } from '../flags.js';
import { MAX_FLAG_UID_RANGES } from '../limits.js';
import type { FlagChange, UidInterval } from '../storage/index.js';
import { accessFolder, accessFolderStore, accessMessagePlaces, announce, principal } from './common.js';
import type { Op } from './op.js';

/** The uids of a request: an IMAP sequence set without `*`, as merged intervals. */
function uidIntervals(text: string): UidInterval[] {
  try {
    const set = parseSequenceSet(text, MAX_FLAG_UID_RANGES);
    if (sequenceSetUsesStar(set)) throw new KcError('KCERR_INVALID_PARAMETER', 'uids: `*` is not allowed');
    return resolveSequenceSet(set, Number.MAX_SAFE_INTEGER);
  } catch (e) {
    if (e instanceof ImapParseError) throw new KcError('KCERR_INVALID_PARAMETER', `uids: ${e.message}`);
    throw e;
  }
}

export const setMessageFlags: Op<'setMessageFlags'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const byUid = input.uids !== undefined;
  if (byUid === input.messageIds.length > 0)
    throw new KcError('KCERR_INVALID_PARAMETER', 'name the messages by messageIds or by uids');
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
  const guard = input.unchangedSince === undefined ? {} : { unchangedSince: input.unchangedSince };
  if (input.uids !== undefined) {
    // IMAP STORE: the folder's store from the process cache (one read the first time), and its
    // modseq as the write read it under its lock: the call waits for the write's two round trips only.
    await accessFolderStore(ctx, p, input.folderId);
    const r = await ctx.storage.messages.setFolderFlags(input.folderId, uidIntervals(input.uids), change, guard);
    announce(ctx, r.changes);
    return {
      modseq: Math.max(r.folderModseq, r.modseq),
      updated: [],
      failed: [],
      groups: r.groups.map((g) => ({
        modseq: r.modseq,
        flags: joinFlags(g.flags, g.keywords),
        uids: formatNumberSet(g.uids),
      })),
      ...(r.modified.length > 0 ? { failedUids: formatNumberSet(r.modified) } : {}),
    };
  }
  const folder = await accessFolder(ctx, p, input.folderId);
  const msgs = await accessMessagePlaces(ctx, p, input.messageIds);
  if (msgs.some((m) => m.folderId !== folder.id))
    throw new KcError('KCERR_INVALID_PARAMETER', 'a message is in another folder');
  const r = await ctx.storage.messages.setFlags(input.messageIds, change, guard);
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
    groups: [],
  };
};
