/**
 * SEARCH / UID SEARCH (RFC 3501 §6.4.4): every RFC 3501 key and MODSEQ (RFC 7162), OR/NOT
 * nesting, sequence sets; charset UTF-8 or US-ASCII (others: NO [BADCHARSET], from the parser).
 * SUBJECT reads the decoded Subject values (cached per process; missing ones come with the rows),
 * other header keys the decoded header fields (cached per process; missing ones load as header
 * blocks), body keys which of the search's texts each body contains (searched where the bodies are:
 * the process's body cache, else the server), a window at a time, the next window loading meanwhile.
 * ESEARCH (RFC 4731): RETURN (MIN MAX COUNT ALL); SAVE (SEARCHRES) is not offered.
 */
import { formatNumberSet, type SearchReturnOption } from '@kgc/imap-proto';
import { SEARCH_BODY_WINDOW } from '../../limits.js';
import { type HeaderFields, StoreError } from '../../store/types.js';
import type { ImapCommandSpec } from '../context.js';
import { bad } from '../errors.js';
import {
  bodyTexts,
  checkSupported,
  needsContent,
  SearchEvaluator,
  type SearchTarget,
  usesModseq,
  usesSequenceNumbers,
} from '../search.js';
import { selectedOf, storeOf } from './common.js';

/** Numbers per piece of a long `* SEARCH` answer (the socket drains between pieces). */
const ANSWER_CHUNK = 10_000;
/** Messages whose header fields are asked for at once (the store splits the calls). */
const HEADER_WINDOW = 2048;

interface Loaded {
  bodies: Map<number, ReadonlySet<string>>;
  headers: Map<number, HeaderFields>;
  subjects: Map<number, readonly string[]>;
}

/** The ESEARCH answer (RFC 4731 §3.1): RETURN () means ALL; nothing matched: only COUNT 0. */
function esearch(
  tag: string,
  uid: boolean,
  returns: readonly SearchReturnOption[],
  hits: readonly number[],
  modseq: number | null,
): string {
  const want = returns.length === 0 ? ['ALL'] : returns;
  const parts = [`ESEARCH (TAG ${JSON.stringify(tag)})`];
  if (uid) parts.push('UID');
  if (hits.length > 0) {
    if (want.includes('MIN')) parts.push(`MIN ${hits[0]}`);
    if (want.includes('MAX')) parts.push(`MAX ${hits[hits.length - 1]}`);
  }
  if (want.includes('COUNT')) parts.push(`COUNT ${hits.length}`);
  if (hits.length > 0 && want.includes('ALL')) parts.push(`ALL ${formatNumberSet(hits)}`);
  if (modseq !== null && hits.length > 0) parts.push(`MODSEQ ${modseq}`);
  return parts.join(' ');
}

export const search: ImapCommandSpec<'SEARCH'> = {
  name: 'SEARCH',
  states: ['selected'],
  // RFC 7162 §3.2.10.2: a UID SEARCH whose criteria name message numbers holds them back too.
  holdsExpunges: (command) => !command.uid || usesSequenceNumbers(command.criteria),
  async handle(ctx, command) {
    const returns = command.returnOptions;
    if (returns?.includes('SAVE')) throw bad('SEARCHRES (SAVE) is not offered.');
    checkSupported(command.criteria);
    const mailbox = selectedOf(ctx);
    const store = storeOf(ctx);
    const modseq = usesModseq(command.criteria);
    if (modseq) await ctx.enableCondstore();
    const view = mailbox.view;
    const folderId = mailbox.folder.folderId;
    const evaluator = new SearchEvaluator(view.length, view[view.length - 1]?.uid ?? 0);
    const content = needsContent(command.criteria);
    const texts = [...bodyTexts(command.criteria)];
    const hits: number[] = [];
    let firstModseq = 0;
    let lastModseq = 0;
    let maxModseq = 0;
    // Windows of the view: the next window's headers or body matches load while this one is evaluated.
    const windowEnd = (start: number): number =>
      Math.min(view.length, start + (content.body ? SEARCH_BODY_WINDOW : HEADER_WINDOW));
    const loadWindow = async (start: number, end: number): Promise<Loaded> => {
      const entries = view.slice(start, end).filter((e) => !mailbox.isExpunged(e.uid));
      // A window that fails loads message by message when evaluated (and fails the search there).
      const bodies = content.body
        ? await store.bodyMatches(entries, texts).catch(() => new Map<number, ReadonlySet<string>>())
        : new Map<number, ReadonlySet<string>>();
      const headers = content.headers
        ? await store.headerFields(entries.map((e) => e.messageId)).catch(() => new Map<number, HeaderFields>())
        : new Map<number, HeaderFields>();
      const subjects = content.subjects
        ? await store.subjects(folderId, entries).catch(() => new Map<number, readonly string[]>())
        : new Map<number, readonly string[]>();
      return { bodies, headers, subjects };
    };
    const loading = content.body || content.headers || content.subjects;
    let loaded: Loaded = { bodies: new Map(), headers: new Map(), subjects: new Map() };
    /** End of the window in `loaded`; the next window, loading. */
    let loadedEnd = loading ? 0 : view.length;
    let pending: { end: number; data: Promise<Loaded> } | undefined;
    const launch = (from: number) => {
      const to = windowEnd(from);
      pending = { end: to, data: loadWindow(from, to) };
    };
    if (loading) launch(0);
    for (let i = 0; i < view.length; i++) {
      const entry = view[i];
      if (i >= loadedEnd && pending) {
        loaded = await pending.data;
        loadedEnd = pending.end;
        pending = undefined;
        if (loadedEnd < view.length) launch(loadedEnd);
      }
      if (!entry || mailbox.isExpunged(entry.uid)) continue;
      const { bodies, headers, subjects } = loaded;
      const id = entry.messageId;
      const target: SearchTarget = {
        seq: i + 1,
        entry,
        recent: mailbox.isRecent(entry.uid),
        loaded: {
          subjects: () => subjects.get(id),
          headers: () => headers.get(id),
          bodyMatches: () => bodies.get(id),
        },
        subjects: async () => {
          const s = (await store.subjects(folderId, [entry])).get(id);
          if (!s) throw new StoreError('not-found', 'message gone');
          return s;
        },
        headers: async () => {
          const h = (await store.headerFields([id])).get(id);
          if (!h) throw new StoreError('not-found', 'message gone');
          return h;
        },
        bodyMatches: async () => {
          const m = (await store.bodyMatches([entry], texts)).get(id);
          if (!m) throw new StoreError('not-found', 'message gone');
          return m;
        },
      };
      let hit: boolean;
      try {
        const r = evaluator.matches(target, command.criteria);
        hit = typeof r === 'boolean' ? r : await r;
      } catch (e) {
        // Expunged by another session meanwhile: not a match. Anything else (the server failing)
        // fails the command: an OK answer must not miss matches.
        if (e instanceof StoreError && e.kind === 'not-found') continue;
        throw e;
      }
      if (!hit) continue;
      hits.push(command.uid ? entry.uid : i + 1);
      if (hits.length === 1) firstModseq = entry.modseq;
      lastModseq = entry.modseq;
      if (entry.modseq > maxModseq) maxModseq = entry.modseq;
    }
    if (returns !== null) {
      // RFC 4731 §3.2 / RFC 7162 §3.1.5: with MIN or MAX alone, the MODSEQ of that message.
      const only =
        returns.includes('MIN') !== returns.includes('MAX') && !returns.includes('ALL') && !returns.includes('COUNT');
      const answerModseq = only ? (returns.includes('MIN') ? firstModseq : lastModseq) : maxModseq;
      await ctx.untagged(esearch(command.tag, command.uid, returns, hits, modseq ? answerModseq : null));
      return { text: 'SEARCH completed.' };
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
