/**
 * FETCH / UID FETCH (RFC 3501 §6.4.5). Per batch of FETCH_BATCH messages: flags, sizes and dates
 * come from the metadata cache (no round trip), ENVELOPE/BODY/BODYSTRUCTURE from one table query,
 * body sections from the raw message (cached per process, parsed once per message). Non-PEEK body
 * fetches set \Seen first (one call per batch) and answer the new FLAGS.
 *
 * A large mailbox streams: the targets are walked as index intervals of the view (never an entry
 * per message of the whole set at once), answers go out in chunks of about Limits.writeChunk, each
 * waiting for the client to read (Connection.write), and the process turns to its other
 * connections between batches.
 */

import { setImmediate } from 'node:timers/promises';
import {
  type FetchAttribute,
  fetchResponseName,
  fetchSetsSeen,
  formatDateTime,
  literal,
  serializeBodyStructure,
  serializeEnvelope,
} from '@kgc/imap-proto';
import {
  type BodyStructure,
  bodyStructureOf,
  envelopeOf,
  headerSectionOf,
  type MimeNode,
  parseMimeTree,
  type SectionPartial,
  type SectionSpec,
  sectionOf,
  wholeMessageSectionOf,
} from '@kgc/mapi';
import { viewRuns } from '../../store/flag-groups.js';
import type { MailStore } from '../../store/types.js';
import type { AnswerKind } from '../answer-cache.js';
import type { ImapCommandSpec, ImapContext } from '../context.js';
import { bad } from '../errors.js';
import { type BodyWindow, bodyWindow } from '../prefetch.js';
import type { SelectedMailbox, ViewEntry } from '../selected.js';
import { vanishedSet } from '../vanished.js';
import { flagList } from '../wire.js';
import { selectedOf, storeOf } from './common.js';

/** Messages per ENVELOPE/BODYSTRUCTURE table query (and per \\Seen update). */
const FETCH_BATCH = 500;

function needsStructure(a: FetchAttribute): boolean {
  return a.kind === 'ENVELOPE' || a.kind === 'BODY' || a.kind === 'BODYSTRUCTURE';
}

/** The whole message is needed (a header section needs only the header, needsHeaderOnly). */
function needsRaw(a: FetchAttribute): boolean {
  return a.kind === 'RFC822' || a.kind === 'RFC822.TEXT' || (a.kind === 'BODY[]' && !needsHeaderOnly(a));
}

/**
 * The message's own header is all it needs (RFC822.HEADER, BODY[HEADER], BODY[HEADER.FIELDS …]):
 * what clients fetch for a message list, answered from the header block, not the whole message.
 */
function needsHeaderOnly(a: FetchAttribute): boolean {
  if (a.kind === 'RFC822.HEADER') return true;
  return (
    a.kind === 'BODY[]' &&
    a.section.part === '' &&
    (a.section.text.kind === 'header' || a.section.text.kind === 'header-fields')
  );
}

interface Loaded {
  raw?: Buffer;
  /** The MIME tree of `raw`, parsed when a section or answer first needs it (treeOf). */
  tree?: MimeNode;
  /** Serialized ENVELOPE / BODY / BODYSTRUCTURE. */
  answers?: Map<AnswerKind, Buffer>;
}

async function load(store: MailStore, e: ViewEntry): Promise<Loaded> {
  return { raw: await store.raw(e.messageId) };
}

/** The MIME tree of a loaded message, parsed once, when first needed (the whole message needs none). */
function treeOf(l: Loaded): MimeNode | undefined {
  if (l.tree === undefined && l.raw !== undefined) l.tree = parseMimeTree(l.raw);
  return l.tree;
}

const WHOLE_MESSAGE = { part: '', text: { kind: 'full' } } as const;

/** Only the message's header block (header sections are cut from it as from the message). */
async function loadHeader(store: MailStore, e: ViewEntry): Promise<Loaded> {
  const raw = (await store.headerBlocks([e.messageId])).get(e.messageId);
  if (!raw) throw new Error('message gone');
  return { raw };
}

const ANSWER_KINDS: readonly AnswerKind[] = ['ENVELOPE', 'BODY', 'BODYSTRUCTURE'];

/**
 * Answers the server did not keep (a message it could not parse, or stored before it kept them),
 * from the message; its body structure is taken apart once for BODY and BODYSTRUCTURE.
 */
function computed(tree: MimeNode, kinds: readonly AnswerKind[]): Map<AnswerKind, Buffer> {
  const out = new Map<AnswerKind, Buffer>();
  let structure: BodyStructure | undefined;
  for (const k of kinds) {
    if (k === 'ENVELOPE') out.set(k, serializeEnvelope(envelopeOf(tree)));
    else {
      structure ??= bodyStructureOf(tree, { extended: true });
      out.set(k, serializeBodyStructure(structure, k === 'BODYSTRUCTURE'));
    }
  }
  return out;
}

/** A batch's answers found in the process cache, and the table query for the rest. */
interface Ahead {
  hits: Map<number, Map<AnswerKind, Buffer>>;
  structures: Promise<Awaited<ReturnType<MailStore['structures']>> | undefined>;
  /** Header blocks of the batch, when the items need no more of the messages. */
  heads: Promise<Map<number, Buffer>>;
}

function remember(ctx: ImapContext, store: MailStore, e: ViewEntry, kind: AnswerKind, answer: Buffer): Buffer {
  ctx.answers.set(store.storeId, e.messageId, kind, answer);
  return answer;
}

/** An item as text (the metadata ones) or as bytes (literals, cached structures). */
function part(name: string, value: Buffer | string): Array<Buffer | string> {
  return typeof value === 'string' ? [`${name} ${value}`] : [`${name} `, value];
}

const HEADER_SECTION = { part: '', text: { kind: 'header' } } as const;

function sectionWithTree(l: Loaded, section: string | SectionSpec, partial: SectionPartial | undefined): Buffer | null {
  const tree = treeOf(l);
  return l.raw && tree ? sectionOf(l.raw, tree, section, partial) : null;
}

function item(
  a: FetchAttribute,
  mailbox: SelectedMailbox,
  e: ViewEntry,
  l: Loaded,
  names: ReadonlyMap<FetchAttribute, string>,
): Array<Buffer | string> {
  switch (a.kind) {
    case 'UID':
      return [`UID ${e.uid}`];
    case 'FLAGS':
      return [`FLAGS ${flagList(mailbox.flagsOf(e))}`];
    case 'INTERNALDATE':
      return [`INTERNALDATE "${formatDateTime(e.internalDate)}"`];
    case 'RFC822.SIZE':
      return [`RFC822.SIZE ${e.size}`];
    case 'MODSEQ':
      return [`MODSEQ (${e.modseq})`];
    case 'ENVELOPE':
    case 'BODY':
    case 'BODYSTRUCTURE':
      return part(a.kind, l.answers?.get(a.kind) ?? 'NIL');
    case 'RFC822.HEADER':
      return part(a.kind, literal((l.raw && headerSectionOf(l.raw, HEADER_SECTION)) ?? Buffer.alloc(0)));
    case 'RFC822': {
      const data = l.raw ? wholeMessageSectionOf(l.raw, WHOLE_MESSAGE) : null;
      return part(a.kind, literal(data ?? Buffer.alloc(0)));
    }
    case 'RFC822.TEXT':
      return part(a.kind, literal(sectionWithTree(l, 'TEXT', undefined) ?? Buffer.alloc(0)));
    case 'BODY[]': {
      // Header sections come from the header alone (the header block, or the message's).
      const partial = a.partial ?? undefined;
      const data = !l.raw
        ? null
        : needsHeaderOnly(a)
          ? headerSectionOf(l.raw, a.section, partial)
          : (wholeMessageSectionOf(l.raw, a.section, partial) ?? sectionWithTree(l, a.section, partial));
      return part(names.get(a) ?? fetchResponseName(a), literal(data ?? Buffer.alloc(0)));
    }
    default:
      throw bad(`${a.kind} is not offered.`);
  }
}

/**
 * Answers gathered and written in pieces of about Limits.writeChunk, each waiting for the socket
 * to drain: few writes for many small answers, bounded memory for big ones. Text runs stay text
 * until a buffer (a literal, a cached structure) joins them.
 */
class ChunkedOutput {
  private parts: Buffer[] = [];
  private text = '';
  private bytes = 0;

  constructor(
    private readonly ctx: ImapContext,
    private readonly chunk: number,
  ) {}

  add(p: Buffer | string): void {
    if (typeof p === 'string') {
      this.text += p;
      this.bytes += p.length;
      return;
    }
    if (this.text !== '') {
      this.parts.push(Buffer.from(this.text, 'utf8'));
      this.text = '';
    }
    this.parts.push(p);
    this.bytes += p.length;
  }

  /** Written when a chunk is full (waits for the client to take it). */
  async maybeFlush(): Promise<void> {
    if (this.bytes >= this.chunk) await this.flush();
  }

  /** Small pieces go joined; a big one (a message body) as it is, not copied once more. */
  async flush(): Promise<void> {
    if (this.bytes === 0) return;
    const { parts, text } = this;
    this.parts = [];
    this.text = '';
    this.bytes = 0;
    if (parts.length === 0) {
      await this.ctx.send(text);
      return;
    }
    if (text !== '') parts.push(Buffer.from(text, 'utf8'));
    let run: Buffer[] = [];
    for (const p of parts) {
      if (p.length < this.chunk) {
        run.push(p);
        continue;
      }
      if (run.length > 0) await this.ctx.send(Buffer.concat(run));
      run = [];
      await this.ctx.send(p);
    }
    if (run.length > 0) await this.ctx.send(Buffer.concat(run));
  }
}

/**
 * The targets in batches of FETCH_BATCH, ascending, from the view as it was when the command
 * started (its index intervals; no entry per message of the whole set is held at once).
 */
function* batchesOf(
  view: readonly ViewEntry[],
  spans: ReadonlyArray<readonly [number, number]>,
  changedSince: number | null,
): Generator<Array<{ seq: number; entry: ViewEntry }>> {
  let batch: Array<{ seq: number; entry: ViewEntry }> = [];
  for (const [start, end] of spans) {
    for (let i = start; i < end; i++) {
      const entry = view[i] as ViewEntry;
      if (changedSince !== null && entry.modseq <= changedSince) continue;
      batch.push({ seq: i + 1, entry });
      if (batch.length >= FETCH_BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

export const fetch: ImapCommandSpec<'FETCH'> = {
  name: 'FETCH',
  states: ['selected'],
  holdsExpunges: (command) => !command.uid,
  async handle(ctx, command) {
    if (command.vanished && !ctx.qresync) throw bad('VANISHED needs QRESYNC enabled (ENABLE QRESYNC).');
    const unsupported = command.attributes.find((a) => a.kind === 'BINARY' || a.kind === 'BINARY.SIZE');
    if (unsupported) throw bad(`${unsupported.kind} is not offered.`);
    const mailbox = selectedOf(ctx);
    const store = storeOf(ctx);
    let attributes = command.attributes;
    if (command.uid && !attributes.some((a) => a.kind === 'UID')) attributes = [{ kind: 'UID' }, ...attributes];
    // RFC 7162 §3.1.4: CHANGEDSINCE implies MODSEQ; either enables CONDSTORE.
    if (command.changedSince !== null && !attributes.some((a) => a.kind === 'MODSEQ'))
      attributes = [...attributes, { kind: 'MODSEQ' }];
    if (attributes.some((a) => a.kind === 'MODSEQ')) await ctx.enableCondstore();
    const changedSince = command.changedSince;
    const setsSeen = !mailbox.readOnly && attributes.some(fetchSetsSeen);
    const withStructure = attributes.some(needsStructure);
    const withRaw = attributes.some(needsRaw);
    const withHeader = attributes.some(needsHeaderOnly);
    /** Response names of body sections, made once per command, not per message. */
    const names = new Map(attributes.filter((a) => a.kind === 'BODY[]').map((a) => [a, fetchResponseName(a)]));
    if (command.vanished && changedSince !== null) {
      // RFC 7162 §3.2.6: UIDs of the set expunged since CHANGEDSINCE, before the FETCH answers.
      // When the journal no longer reaches back, every UID of the set below UIDNEXT not here (the
      // note of §3.2.6).
      const gone = await store.expungedSince(mailbox.folder.folderId, changedSince);
      const uidNext = mailbox.handle.uidNext();
      const set = vanishedSet(gone, mailbox.view, uidNext, command.sequenceSet, Math.max(uidNext - 1, 1));
      if (set !== '') await ctx.untagged(`VANISHED (EARLIER) ${set}`);
    }
    // A flag change this FETCH makes is answered with FLAGS, and (RFC 7162 §3.2.4) MODSEQ under
    // CONDSTORE and UID under QRESYNC, whatever was asked for.
    const implied = (['FLAGS', 'MODSEQ', 'UID'] as const).filter(
      (kind) =>
        !attributes.some((a) => a.kind === kind) &&
        (kind !== 'MODSEQ' || ctx.condstore) &&
        (kind !== 'UID' || ctx.qresync),
    );
    const out = new ChunkedOutput(ctx, ctx.limits.writeChunk);
    const view = mailbox.view;
    // Answers cached in the process need no table query; the others come in one per batch, the
    // next batch's asked for while this one is written.
    const kinds = ANSWER_KINDS.filter((k) => attributes.some((a) => a.kind === k));
    /** A message's answers in the process cache (one lookup per kind). */
    const cachedAnswers = (messageId: number): Map<AnswerKind, Buffer> => {
      const found = new Map<AnswerKind, Buffer>();
      for (const k of kinds) {
        const hit = ctx.answers.get(store.storeId, messageId, k);
        if (hit) found.set(k, hit);
      }
      return found;
    };
    /** A batch's cached answers, and one table query for the messages that miss some. */
    const lookAhead = (batch: ReadonlyArray<{ entry: ViewEntry }>): Ahead => {
      const hits = new Map<number, Map<AnswerKind, Buffer>>();
      const uncached: number[] = [];
      if (withStructure) {
        for (const t of batch) {
          const found = cachedAnswers(t.entry.messageId);
          hits.set(t.entry.messageId, found);
          if (found.size < kinds.length) uncached.push(t.entry.uid);
        }
      }
      // Header sections only: the whole batch's header blocks, asked for with the batch ahead.
      const heads =
        withHeader && !withRaw
          ? store.headerBlocks(batch.map((t) => t.entry.messageId)).catch(() => new Map<number, Buffer>())
          : Promise.resolve(new Map<number, Buffer>());
      if (uncached.length === 0) return { hits, structures: Promise.resolve(undefined), heads };
      const structures = store.structures(mailbox.folder.folderId, uncached, kinds);
      structures.catch(() => undefined); // awaited (and so reported) when its batch's turn comes
      return { hits, structures, heads };
    };
    const live = (all: ReadonlyArray<{ seq: number; entry: ViewEntry }>) =>
      all.filter((t) => !mailbox.isExpunged(t.entry.uid));
    const batchIter = batchesOf(view, mailbox.spans(command.sequenceSet, command.uid), changedSince);
    /** Bodies of the next batch's first messages, asked for while the last window of this one is written. */
    let carried: BodyWindow | undefined;
    let current = batchIter.next();
    let currentAhead = current.done ? undefined : lookAhead(live(current.value));
    for (let batches = 0; !current.done; batches++) {
      // Other connections' turn between batches: a FETCH over a whole large mailbox whose client
      // reads as fast as we write would otherwise hold the process until it is done.
      if (batches > 0) await setImmediate();
      const batch = live(current.value);
      const upcoming = batchIter.next();
      const upcomingAhead = upcoming.done ? undefined : lookAhead(live(upcoming.value));
      /** Messages whose \\Seen this FETCH set: their answer carries the new flags (RFC 3501 §6.4.5). */
      let seenNow: Set<number> | undefined;
      if (setsSeen) {
        const unseen = batch.filter((t) => !t.entry.flags.includes('\\Seen'));
        if (unseen.length > 0) {
          const r = await store.setFlags(
            mailbox.folder.folderId,
            viewRuns(unseen.map((t) => ({ seq: t.seq, uid: t.entry.uid }))),
            { add: ['\\Seen'] },
          );
          mailbox.applyOwn(r.groups);
          seenNow = new Set(unseen.map((t) => t.entry.uid));
        }
      }
      const structures = await currentAhead?.structures;
      /** The answers asked for that neither the process cache nor the server has. */
      const unstored = (uid: number, answers: ReadonlyMap<AnswerKind, Buffer> | undefined) =>
        kinds.filter((k) => !answers?.has(k) && !structures?.get(uid)?.[k]);
      const heads = (await currentAhead?.heads) ?? new Map<number, Buffer>();
      // Messages that need their bytes (body items, or answers computed from them) load a window
      // at a time, not one call each; the next window's call is on its way while this one is written.
      const needsBytes = (x: { entry: ViewEntry }) =>
        withRaw || unstored(x.entry.uid, currentAhead?.hits.get(x.entry.messageId)).length > 0;
      let raws = new Map<number, Buffer>();
      let windowEnd = 0;
      let next: BodyWindow | undefined;
      for (const [j, t] of batch.entries()) {
        if (j === windowEnd) {
          let now = next;
          if (j === 0 && carried) {
            // The window asked for with the last batch: the messages of it that lead this batch.
            let end = 0;
            while (end < batch.length && carried.ids.has((batch[end] as { entry: ViewEntry }).entry.messageId)) end++;
            if (end > 0) now = { end, ids: carried.ids, raws: carried.raws };
            carried = undefined;
          }
          now ??= bodyWindow(store, batch, j, needsBytes);
          raws = await now.raws;
          windowEnd = now.end;
          next = windowEnd < batch.length ? bodyWindow(store, batch, windowEnd, needsBytes) : undefined;
          // Body items need every message's bytes: the next batch's first window is asked for now.
          if (!next && withRaw && !upcoming.done) carried = bodyWindow(store, live(upcoming.value), 0, () => true);
        }
        const seq = mailbox.seqOf(t.entry.uid) ?? t.seq;
        const e = mailbox.view[seq - 1] ?? t.entry;
        const s = structures?.get(e.uid);
        const answers = currentAhead?.hits.get(e.messageId) ?? cachedAnswers(e.messageId);
        const missing = kinds.filter((k) => !answers.has(k));
        // The server keeps these answers for messages it parsed; others are computed from the bytes.
        const fromBytes = unstored(e.uid, answers);
        const needRaw = withRaw || fromBytes.length > 0;
        let loaded: Loaded;
        try {
          const raw = raws.get(e.messageId);
          const head = needRaw ? undefined : heads.get(e.messageId);
          loaded = raw
            ? { raw }
            : head
              ? { raw: head }
              : needRaw
                ? await load(store, e)
                : withHeader
                  ? await loadHeader(store, e)
                  : {};
        } catch (err) {
          // Expunged by another session meanwhile: left out (RFC 3501 §7.4.1 allows either way).
          ctx.log.debug({ uid: e.uid, err: err instanceof Error ? err.message : String(err) }, 'FETCH: message gone');
          continue;
        }
        const tree = fromBytes.length > 0 ? treeOf(loaded) : undefined;
        const fromTree = tree ? computed(tree, fromBytes) : undefined;
        for (const k of missing) {
          const answer = s?.[k] ?? fromTree?.get(k);
          if (answer) answers.set(k, remember(ctx, store, e, k, answer));
        }
        loaded.answers = answers;
        out.add(`* ${seq} FETCH (`);
        attributes.forEach((a, k) => {
          if (k > 0) out.add(' ');
          for (const p of item(a, mailbox, e, loaded, names)) out.add(p);
        });
        if (seenNow?.has(e.uid))
          for (const kind of implied) out.add(` ${item({ kind }, mailbox, e, loaded, names).join('')}`);
        out.add(')\r\n');
        await out.maybeFlush();
      }
      current = upcoming;
      currentAhead = upcomingAhead;
    }
    await out.flush();
    return { text: 'FETCH completed.' };
  },
};
