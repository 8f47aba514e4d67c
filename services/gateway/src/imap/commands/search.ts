/**
 * SEARCH / UID SEARCH (RFC 3501 §6.4.4): every RFC 3501 key and MODSEQ (RFC 7162), OR/NOT nesting, sequence sets;
 * charset UTF-8 or US-ASCII (others: NO [BADCHARSET], from the parser). ESEARCH return options
 * are refused (not offered).
 */
import type { ImapCommandSpec } from '../context.js';
import { bad } from '../errors.js';
import { checkSupported, SearchEvaluator, usesModseq } from '../search.js';
import { selectedOf, storeOf } from './common.js';

export const search: ImapCommandSpec<'SEARCH'> = {
  name: 'SEARCH',
  states: ['selected'],
  holdsExpunges: (command) => !command.uid,
  async handle(ctx, command) {
    if (command.returnOptions !== null) throw bad('ESEARCH is not offered.');
    checkSupported(command.criteria);
    const mailbox = selectedOf(ctx);
    const store = storeOf(ctx);
    const view = mailbox.view;
    const evaluator = new SearchEvaluator(view.length, view[view.length - 1]?.uid ?? 0);
    const modseq = usesModseq(command.criteria);
    if (modseq) ctx.enableCondstore();
    const hits: number[] = [];
    let maxModseq = 0;
    for (let i = 0; i < view.length; i++) {
      const entry = view[i];
      if (!entry || entry.expunged) continue;
      const target = { seq: i + 1, entry, raw: () => store.raw(entry.messageId) };
      let hit: boolean;
      try {
        hit = await evaluator.matches(target, command.criteria);
      } catch (e) {
        if (e instanceof Error && e.name === 'ImapError') throw e;
        // Expunged by another session meanwhile: not a match.
        continue;
      }
      if (!hit) continue;
      hits.push(command.uid ? entry.uid : i + 1);
      if (entry.modseq > maxModseq) maxModseq = entry.modseq;
    }
    // Long answers go out in pieces (the socket drains between them).
    const CHUNK = 10_000;
    if (hits.length === 0) await ctx.untagged('SEARCH');
    else {
      for (let i = 0; i < hits.length; i += CHUNK) {
        const head = i === 0 ? '* SEARCH' : '';
        // RFC 7162 §3.1.5: the highest mod-sequence of the matches when MODSEQ was searched.
        const tail = i + CHUNK >= hits.length ? `${modseq ? ` (MODSEQ ${maxModseq})` : ''}\r\n` : '';
        await ctx.send(`${head} ${hits.slice(i, i + CHUNK).join(' ')}${tail}`);
      }
    }
    return { text: 'SEARCH completed.' };
  },
};
