/**
 * SEARCH / UID SEARCH (RFC 3501 §6.4.4): every RFC 3501 key and MODSEQ (RFC 7162), OR/NOT
 * nesting, sequence sets; charset UTF-8 or US-ASCII (others: NO [BADCHARSET], from the parser).
 * When header or body keys need the messages, they are loaded a window at a time in parallel.
 * ESEARCH return options are refused (not offered).
 */
import type { ImapCommandSpec } from '../context.js';
import { bad, ImapError } from '../errors.js';
import { PREFETCH_WINDOW, prefetchRaw } from '../prefetch.js';
import { checkSupported, needsContent, SearchEvaluator, usesModseq } from '../search.js';
import { selectedOf, storeOf } from './common.js';

/** Numbers per piece of a long `* SEARCH` answer (the socket drains between pieces). */
const ANSWER_CHUNK = 10_000;

export const search: ImapCommandSpec<'SEARCH'> = {
  name: 'SEARCH',
  states: ['selected'],
  holdsExpunges: (command) => !command.uid,
  async handle(ctx, command) {
    if (command.returnOptions !== null) throw bad('ESEARCH is not offered.');
    checkSupported(command.criteria);
    const mailbox = selectedOf(ctx);
    const store = storeOf(ctx);
    const modseq = usesModseq(command.criteria);
    if (modseq) ctx.enableCondstore();
    const view = mailbox.view;
    const evaluator = new SearchEvaluator(view.length, view[view.length - 1]?.uid ?? 0);
    const content = needsContent(command.criteria);
    const hits: number[] = [];
    let maxModseq = 0;
    let raws = new Map<number, Buffer>();
    for (let i = 0; i < view.length; i++) {
      const entry = view[i];
      if (!entry || mailbox.isExpunged(entry.uid)) continue;
      if (content && i % PREFETCH_WINDOW === 0) raws = await prefetchRaw(store, view.slice(i, i + PREFETCH_WINDOW));
      const target = {
        seq: i + 1,
        entry,
        recent: mailbox.isRecent(entry.uid),
        raw: async () => raws.get(entry.messageId) ?? store.raw(entry.messageId),
      };
      let hit: boolean;
      try {
        hit = await evaluator.matches(target, command.criteria);
      } catch (e) {
        if (e instanceof ImapError) throw e;
        // Expunged by another session meanwhile: not a match.
        continue;
      }
      if (!hit) continue;
      hits.push(command.uid ? entry.uid : i + 1);
      if (entry.modseq > maxModseq) maxModseq = entry.modseq;
    }
    if (hits.length === 0) await ctx.untagged('SEARCH');
    for (let i = 0; i < hits.length; i += ANSWER_CHUNK) {
      const head = i === 0 ? '* SEARCH' : '';
      // RFC 7162 §3.1.5: the highest mod-sequence of the matches when MODSEQ was searched.
      const tail = i + ANSWER_CHUNK >= hits.length ? `${modseq ? ` (MODSEQ ${maxModseq})` : ''}\r\n` : '';
      await ctx.send(`${head} ${hits.slice(i, i + ANSWER_CHUNK).join(' ')}${tail}`);
    }
    return { text: 'SEARCH completed.' };
  },
};
