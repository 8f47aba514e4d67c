import { findPart, parseMimeTree } from '@kgc/mapi';
import { KcError } from '@kgc/soap';
import { joinFlags } from '../flags.js';
import type { LoadedMessage } from '../storage/message-types.js';
import { accessMessages, principal } from './common.js';
import type { Op } from './op.js';
import { propsOut } from './props.js';

const SECTION = /^(\d+(\.\d+)*)?(\.?(HEADER|TEXT|MIME))?$/i;

/** Body sections by IMAP part number: "1.2" (body), "1.2.MIME" (its header), "HEADER", "TEXT", "" (all). */
function section(raw: Buffer, spec: string): Buffer | undefined {
  const m = SECTION.exec(spec);
  if (!m) throw new KcError('KCERR_INVALID_PARAMETER', `bad section ${spec}`);
  const tree = parseMimeTree(raw);
  const part = m[1] ? findPart(tree, m[1]) : tree;
  if (!part) return undefined;
  const kind = m[4]?.toUpperCase();
  const inner = part.message ?? part;
  switch (kind) {
    case undefined:
      return m[1] ? raw.subarray(part.bodyStart, part.bodyEnd) : raw;
    case 'MIME':
      return m[1] ? raw.subarray(part.headerStart, part.bodyStart) : undefined;
    case 'HEADER':
      return raw.subarray((m[1] ? inner : tree).headerStart, (m[1] ? inner : tree).bodyStart);
    case 'TEXT':
      return raw.subarray((m[1] ? inner : tree).bodyStart, (m[1] ? inner : tree).bodyEnd);
    default:
      return undefined;
  }
}

export const loadObject: Op<'loadObject'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  await accessMessages(ctx, p, [input.messageId]);
  const needMime = input.withRaw === true || input.sections.length > 0;
  const m: LoadedMessage = await ctx.storage.messages.getMessage(input.messageId, { properties: true, mime: needMime });
  const raw = m.mime;
  return {
    message: {
      messageId: m.id,
      storeId: m.storeId,
      folderId: m.folderId,
      uid: m.uid,
      modseq: m.modseq,
      flags: joinFlags(m.flags, m.keywords),
      internalDate: new Date(m.internalDate),
      size: m.size,
      messageClass: m.messageClass,
      subject: m.subject ?? undefined,
      fromAddr: m.fromAddress ?? undefined,
      fromName: m.fromName ?? undefined,
      toAddrs: m.to ?? undefined,
      ccAddrs: m.cc ?? undefined,
      date: m.date === null ? undefined : new Date(m.date),
      messageIdHeader: m.messageId ?? undefined,
      inReplyTo: m.inReplyTo ?? undefined,
      hasAttachments: m.hasAttachments,
      envelope: m.envelopeJson ?? undefined,
      bodystructure: m.bodyStructureJson ?? undefined,
      raw: input.withRaw && raw ? raw : undefined,
      props: propsOut(m.properties),
      parts: raw ? input.sections.map((s) => ({ section: s, data: section(raw, s) })) : [],
    },
  };
};
