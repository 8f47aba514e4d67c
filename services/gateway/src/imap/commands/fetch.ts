/**
 * FETCH / UID FETCH (RFC 3501 §6.4.5). Per batch of FETCH_BATCH messages: flags, sizes and dates
 * come from the metadata cache (no round trip), ENVELOPE/BODY/BODYSTRUCTURE from one table query,
 * body sections from the raw message (cached per process, parsed once per message). Responses are
 * written message by message, each waiting for the socket to drain. Non-PEEK body fetches set
 * \Seen first (one call per batch) and answer the new FLAGS.
 */

import {
  type FetchAttribute,
  fetchResponseName,
  fetchSetsSeen,
  formatDateTime,
  formatNumberSet,
  literal,
  sequenceSetHas,
  serializeBodyStructure,
  serializeEnvelope,
} from '@kgc/imap-proto';
import {
  type BodyStructure,
  bodyStructureOf,
  type Envelope,
  envelopeOf,
  type MimeNode,
  parseMimeTree,
  sectionOf,
  structureFromJson,
} from '@kgc/mapi';
import type { MailStore } from '../../store/types.js';
import type { AnswerKind } from '../answer-cache.js';
import type { ImapCommandSpec, ImapContext } from '../context.js';
import { bad } from '../errors.js';
import { PREFETCH_WINDOW, prefetchRaw } from '../prefetch.js';
import type { SelectedMailbox, ViewEntry } from '../selected.js';
import { flagList } from '../wire.js';
import { selectedOf, storeOf } from './common.js';

/** Messages per ENVELOPE/BODYSTRUCTURE table query (and per \\Seen update). */
const FETCH_BATCH = 500;

function needsStructure(a: FetchAttribute): boolean {
  return a.kind === 'ENVELOPE' || a.kind === 'BODY' || a.kind === 'BODYSTRUCTURE';
}

function needsRaw(a: FetchAttribute): boolean {
  return a.kind === 'BODY[]' || a.kind === 'RFC822' || a.kind === 'RFC822.HEADER' || a.kind === 'RFC822.TEXT';
}

interface Loaded {
  raw?: Buffer;
  tree?: MimeNode;
  /** Serialized ENVELOPE / BODY / BODYSTRUCTURE. */
  answers?: Map<AnswerKind, Buffer>;
}

async function load(store: MailStore, e: ViewEntry, withRaw: boolean): Promise<Loaded> {
  if (!withRaw) return {};
  const raw = await store.raw(e.messageId);
  return { raw, tree: parseMimeTree(raw) };
}

const ANSWER_KINDS: readonly AnswerKind[] = ['ENVELOPE', 'BODY', 'BODYSTRUCTURE'];

function remember(ctx: ImapContext, store: MailStore, e: ViewEntry, kind: AnswerKind, answer: Buffer): Buffer {
  ctx.answers.set(store.storeId, e.messageId, kind, answer);
  return answer;
}

function part(name: string, value: Buffer | string): Buffer[] {
  return [Buffer.from(`${name} `, 'latin1'), typeof value === 'string' ? Buffer.from(value, 'latin1') : value];
}

function item(a: FetchAttribute, mailbox: SelectedMailbox, e: ViewEntry, l: Loaded): Buffer[] {
  switch (a.kind) {
    case 'UID':
      return part('UID', String(e.uid));
    case 'FLAGS':
      return part('FLAGS', flagList(mailbox.flagsOf(e)));
    case 'INTERNALDATE':
      return part('INTERNALDATE', `"${formatDateTime(e.internalDate)}"`);
    case 'RFC822.SIZE':
      return part('RFC822.SIZE', String(e.size));
    case 'MODSEQ':
      return part('MODSEQ', `(${e.modseq})`);
    case 'ENVELOPE':
    case 'BODY':
    case 'BODYSTRUCTURE':
      return part(a.kind, l.answers?.get(a.kind) ?? 'NIL');
    case 'RFC822':
    case 'RFC822.HEADER':
    case 'RFC822.TEXT': {
      const section = a.kind === 'RFC822' ? '' : a.kind === 'RFC822.HEADER' ? 'HEADER' : 'TEXT';
      const data = l.raw && l.tree ? sectionOf(l.raw, l.tree, section) : null;
      return part(a.kind, literal(data ?? Buffer.alloc(0)));
    }
    case 'BODY[]': {
      const data = l.raw && l.tree ? sectionOf(l.raw, l.tree, a.section, a.partial ?? undefined) : null;
      return part(fetchResponseName(a), literal(data ?? Buffer.alloc(0)));
    }
    default:
      throw bad(`${a.kind} is not offered.`);
  }
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
    if (attributes.some((a) => a.kind === 'MODSEQ')) ctx.enableCondstore();
    const changedSince = command.changedSince;
    const setsSeen = !mailbox.readOnly && attributes.some(fetchSetsSeen);
    const withStructure = attributes.some(needsStructure);
    const wantStructures = {
      envelope: attributes.some((a) => a.kind === 'ENVELOPE'),
      bodystructure: attributes.some((a) => a.kind === 'BODY' || a.kind === 'BODYSTRUCTURE'),
    };
    const withRaw = attributes.some(needsRaw);
    if (command.vanished && changedSince !== null) {
      // RFC 7162 §3.2.6: UIDs of the set expunged since CHANGEDSINCE, before the FETCH answers.
      const gone = await store.expungedSince(mailbox.folder.folderId, changedSince);
      const maxUid = Math.max(mailbox.handle.uidNext() - 1, 1);
      const uids = gone.uids.filter((u) => sequenceSetHas(command.sequenceSet, u, maxUid));
      if (uids.length > 0) await ctx.untagged(`VANISHED (EARLIER) ${formatNumberSet(uids)}`);
    }
    const targets = mailbox
      .resolve(command.sequenceSet, command.uid)
      .filter((t) => changedSince === null || t.entry.modseq > changedSince);
    // Answers are gathered and written in pieces of about Limits.writeChunk, each waiting for the
    // socket to drain: few writes for many small answers, bounded memory for big ones.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      await ctx.send(data);
    };
    for (let i = 0; i < targets.length; i += FETCH_BATCH) {
      const batch = targets.slice(i, i + FETCH_BATCH).filter((t) => !mailbox.isExpunged(t.entry.uid));
      let addFlags = false;
      if (setsSeen) {
        const unseen = batch.filter((t) => !t.entry.flags.includes('\\Seen'));
        if (unseen.length > 0) {
          const r = await store.setFlags(
            mailbox.folder.folderId,
            unseen.map((t) => t.entry.messageId),
            { add: ['\\Seen'] },
          );
          mailbox.applyOwn(r.updated);
          addFlags = !attributes.some((a) => a.kind === 'FLAGS');
        }
      }
      // Answers cached in the process need no table query; the others come in one.
      const kinds = ANSWER_KINDS.filter((k) => attributes.some((a) => a.kind === k));
      const uncached = withStructure
        ? batch.filter((t) => kinds.some((k) => !ctx.answers.get(store.storeId, t.entry.messageId, k)))
        : [];
      const structures =
        uncached.length > 0
          ? await store.structures(
              mailbox.folder.folderId,
              uncached.map((t) => t.entry.uid),
              wantStructures,
            )
          : undefined;
      let raws = new Map<number, Buffer>();
      for (const [j, t] of batch.entries()) {
        if (withRaw && j % PREFETCH_WINDOW === 0)
          raws = await prefetchRaw(
            store,
            batch.slice(j, j + PREFETCH_WINDOW).map((x) => x.entry),
          );
        const seq = mailbox.seqOf(t.entry.uid) ?? t.seq;
        const e = mailbox.view[seq - 1] ?? t.entry;
        const s = structures?.get(e.uid);
        const answers = new Map<AnswerKind, Buffer>();
        for (const k of kinds) {
          const hit = ctx.answers.get(store.storeId, e.messageId, k);
          if (hit) answers.set(k, hit);
        }
        const missing = kinds.filter((k) => !answers.has(k));
        const needRaw = withRaw || missing.some((k) => (k === 'ENVELOPE' ? !s?.envelope : !s?.bodystructure));
        let loaded: Loaded;
        try {
          const raw = raws.get(e.messageId);
          loaded = raw ? { raw, tree: parseMimeTree(raw) } : await load(store, e, needRaw);
        } catch (err) {
          // Expunged by another session meanwhile: left out (RFC 3501 §7.4.1 allows either way).
          ctx.log.debug({ uid: e.uid, err: err instanceof Error ? err.message : String(err) }, 'FETCH: message gone');
          continue;
        }
        if (missing.includes('ENVELOPE')) {
          const env = s?.envelope
            ? structureFromJson<Envelope>(s.envelope)
            : loaded.tree
              ? envelopeOf(loaded.tree)
              : undefined;
          if (env) answers.set('ENVELOPE', remember(ctx, store, e, 'ENVELOPE', serializeEnvelope(env)));
        }
        if (missing.includes('BODY') || missing.includes('BODYSTRUCTURE')) {
          const bs = s?.bodystructure
            ? structureFromJson<BodyStructure>(s.bodystructure)
            : loaded.tree
              ? bodyStructureOf(loaded.tree, { extended: true })
              : undefined;
          for (const k of ['BODY', 'BODYSTRUCTURE'] as const)
            if (bs && missing.includes(k))
              answers.set(k, remember(ctx, store, e, k, serializeBodyStructure(bs, k === 'BODYSTRUCTURE')));
        }
        loaded.answers = answers;
        const parts: Buffer[] = [Buffer.from(`* ${seq} FETCH (`)];
        attributes.forEach((a, k) => {
          if (k > 0) parts.push(Buffer.from(' '));
          parts.push(...item(a, mailbox, e, loaded));
        });
        if (addFlags) parts.push(Buffer.from(' '), ...item({ kind: 'FLAGS' }, mailbox, e, loaded));
        if (addFlags && ctx.condstore && !attributes.some((a) => a.kind === 'MODSEQ'))
          parts.push(Buffer.from(' '), ...item({ kind: 'MODSEQ' }, mailbox, e, loaded));
        parts.push(Buffer.from(')\r\n'));
        for (const p of parts) {
          pending.push(p);
          pendingBytes += p.length;
        }
        if (pendingBytes >= ctx.limits.writeChunk) await flush();
      }
    }
    await flush();
    return { text: 'FETCH completed.' };
  },
};
