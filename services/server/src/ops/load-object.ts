import { findPart, parseMimeTree, parseSection, sectionOf } from '@kgc/mapi';
import { KcError } from '@kgc/soap';
import { joinFlags } from '../flags.js';
import { accessMessages, principal } from './common.js';
import type { Op } from './op.js';
import { propsOut } from './props.js';

/** IMAP body sections ("1.2", "1.2.MIME", "HEADER", "TEXT", "") as the gateway serves them; one parse for all. */
function sections(raw: Buffer, specs: readonly string[]) {
  const tree = parseMimeTree(raw);
  return specs.map((section) => {
    const spec = parseSection(section);
    if (spec === null) throw new KcError('KCERR_INVALID_PARAMETER', `bad section ${section}`);
    // A part the message does not have: no data (IMAP would answer an empty string).
    if (spec.part !== '' && findPart(tree, spec.part) === null) return { section };
    return { section, data: sectionOf(raw, tree, spec) ?? undefined };
  });
}

export const loadObject: Op<'loadObject'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const needMime = input.withRaw === true || input.sections.length > 0;
  const [m] = await accessMessages(ctx, p, [input.messageId], { properties: true, mime: needMime });
  if (!m) throw new KcError('KCERR_NOT_FOUND', `message ${input.messageId} not found`);
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
      imapEnvelope: m.imapEnvelope ?? undefined,
      imapBody: m.imapBody ?? undefined,
      imapBodystructure: m.imapBodystructure ?? undefined,
      raw: input.withRaw && raw ? raw : undefined,
      props: propsOut(m.properties),
      parts: raw && input.sections.length > 0 ? sections(raw, input.sections) : [],
    },
  };
};
