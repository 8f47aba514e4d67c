/**
 * What the server derives from raw RFC 5322 bytes when a message is stored: the indexed columns
 * (via mailparser, which decodes encoded words and addresses) and the cached IMAP ENVELOPE and
 * BODYSTRUCTURE (via @kgc/mapi, which keeps the byte offsets IMAP needs). Never throws: a message
 * neither parser understands is still stored byte for byte with the columns that could be filled.
 */
import { bodyStructureOf, envelopeOf, type MimeNode, parseMimeTree, structureToJson } from '@kgc/mapi';
import { type AddressObject, simpleParser } from 'mailparser';
import type { NewMessage } from './storage/message-types.js';

export type MimeColumns = Pick<NewMessage, 'envelope' | 'envelopeJson' | 'bodyStructureJson' | 'hasAttachments'>;

const MAX_COLUMN = 1000;

function clip(s: string | undefined | null): string | null {
  if (s === undefined || s === null || s === '') return null;
  return s.length > MAX_COLUMN ? s.slice(0, MAX_COLUMN) : s;
}

function addressText(a: AddressObject | AddressObject[] | undefined): string | null {
  if (!a) return null;
  return clip((Array.isArray(a) ? a : [a]).map((x) => x.text).join(', '));
}

function hasAttachmentParts(node: MimeNode): boolean {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop() as MimeNode;
    if (n.contentDisposition?.toString('latin1').trim().toLowerCase() === 'attachment') return true;
    stack.push(...n.children);
    if (n.message) stack.push(n.message);
  }
  return false;
}

export async function mimeColumns(raw: Buffer): Promise<MimeColumns> {
  const out: MimeColumns = { hasAttachments: false };
  // The columns come from the header only: mailparser gets the header block, not the body.
  let header = raw;
  try {
    const tree = parseMimeTree(raw);
    header = Buffer.concat([raw.subarray(tree.headerStart, tree.headerEnd), Buffer.from('\r\n\r\n')]);
    out.envelopeJson = structureToJson(envelopeOf(tree));
    out.bodyStructureJson = structureToJson(bodyStructureOf(tree, { extended: true }));
    out.hasAttachments = hasAttachmentParts(tree);
  } catch {
    // Structure unknown: the gateway computes it from the bytes when asked.
  }
  try {
    const m = await simpleParser(header, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
    });
    const from = m.from?.value[0];
    out.envelope = {
      subject: clip(m.subject),
      fromAddress: clip(from?.address),
      fromName: clip(from?.name),
      to: addressText(m.to),
      cc: addressText(m.cc),
      date: m.date && !Number.isNaN(m.date.getTime()) ? m.date.getTime() : null,
      messageId: clip(m.messageId),
      inReplyTo: clip(m.inReplyTo),
    };
  } catch {
    // Unparseable headers: stored without the columns.
  }
  return out;
}
