/**
 * What the server derives from raw RFC 5322 bytes when a message is stored: the indexed columns
 * (header fields split by @kgc/mapi, decoded as mailparser decodes them) and the cached IMAP ENVELOPE
 * and BODYSTRUCTURE as FETCH sends them (via @kgc/mapi, which keeps the byte offsets IMAP needs). Never throws: a message
 * neither parser understands is still stored byte for byte with the columns that could be filled.
 */
import { serializeBodyStructure, serializeEnvelope } from '@kgc/imap-proto';
import { bodyStructureOf, envelopeOf, type HeaderField, type MimeNode, parseMimeTree, searchSubjects } from '@kgc/mapi';
import libmime from 'libmime';
import { type AddressObject, parseAddressHeader, simpleParser } from 'mailparser';
import type { NewMessage } from './storage/message-types.js';

export type MimeColumns = Pick<
  NewMessage,
  'envelope' | 'imapEnvelope' | 'imapBody' | 'imapBodystructure' | 'hasAttachments' | 'searchSubjects'
>;

const MAX_COLUMN = 1000;
/** Longest searchSubjects kept (characters of JSON); a message with more is searched from its header. */
export const MAX_SEARCH_SUBJECTS = 8000;

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

type Envelope = NonNullable<NewMessage['envelope']>;

/** mailparser's Message-ID form: `<...>` added where the header lacks it. */
function messageIdOf(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  return clip(`${v.startsWith('<') ? '' : '<'}${v}${v.endsWith('>') ? '' : '>'}`);
}

/**
 * The columns from the header fields @kgc/mapi already split, decoded as mailparser decodes them
 * (libmime for encoded words, mailparser's parseAddressHeader for From/To/Cc) but without a
 * stream per message. The first field counts, as in mailparser; To and Cc join all of theirs.
 */
export function envelopeColumns(raw: Buffer, fields: readonly HeaderField[]): Envelope {
  const all = (name: string) => fields.filter((f) => f.hasColon && f.name.toLowerCase() === name);
  // mailparser: the unfolded value of the raw line, its bytes read as UTF-8.
  const valuesOf = (name: string) =>
    all(name).map((f) => {
      const v = libmime.decodeHeader(raw.toString('binary', f.start, f.end)).value ?? '';
      return Buffer.from(v.trim(), 'binary').toString();
    });
  const words = (value: string) => {
    try {
      return libmime.decodeWords(value);
    } catch {
      return value;
    }
  };
  const text = (name: string) => {
    const v = valuesOf(name)[0];
    return v === undefined ? undefined : words(v);
  };
  const addresses = (name: string) => {
    const values = valuesOf(name);
    return values.length > 0 ? parseAddressHeader(values) : undefined;
  };
  const from = addresses('from')?.value.find((a) => a.address !== undefined);
  const date = valuesOf('date')[0];
  const when = date ? Date.parse(date) : Number.NaN;
  return {
    subject: clip(text('subject')),
    fromAddress: clip(from?.address),
    fromName: clip(from?.name),
    to: addressText(addresses('to')),
    cc: addressText(addresses('cc')),
    date: Number.isNaN(when) ? null : when,
    messageId: messageIdOf(text('message-id') ?? ''),
    inReplyTo: messageIdOf(text('in-reply-to') ?? ''),
  };
}

/** The bytes up to the first empty line (the whole message if there is none). */
function headerOf(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf < 0 ? -1 : crlf + 4, lf < 0 ? -1 : lf + 2].filter((n) => n >= 0);
  return ends.length > 0 ? raw.subarray(0, Math.min(...ends)) : raw;
}

/** The columns through simpleParser: for a message @kgc/mapi could not take apart. */
async function parsedColumns(header: Buffer): Promise<Envelope> {
  const m = await simpleParser(header, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
  });
  const from = m.from?.value[0];
  return {
    subject: clip(m.subject),
    fromAddress: clip(from?.address),
    fromName: clip(from?.name),
    to: addressText(m.to),
    cc: addressText(m.cc),
    date: m.date && !Number.isNaN(m.date.getTime()) ? m.date.getTime() : null,
    messageId: clip(m.messageId),
    inReplyTo: clip(m.inReplyTo),
  };
}

export async function mimeColumns(raw: Buffer): Promise<MimeColumns> {
  const out: MimeColumns = { hasAttachments: false };
  let tree: MimeNode;
  try {
    tree = parseMimeTree(raw);
  } catch {
    // Structure unknown: the gateway computes it from the bytes when asked; mailparser tries the columns.
    try {
      out.envelope = await parsedColumns(headerOf(raw));
    } catch {
      // Unparseable: stored without the columns.
    }
    return out;
  }
  try {
    out.imapEnvelope = serializeEnvelope(envelopeOf(tree));
    const structure = bodyStructureOf(tree, { extended: true });
    out.imapBody = serializeBodyStructure(structure, false);
    out.imapBodystructure = serializeBodyStructure(structure, true);
    out.hasAttachments = hasAttachmentParts(tree);
  } catch {
    // As above.
  }
  try {
    const subjects = JSON.stringify(searchSubjects(tree.fields));
    if (subjects.length <= MAX_SEARCH_SUBJECTS) out.searchSubjects = subjects;
  } catch {
    // As above.
  }
  try {
    out.envelope = envelopeColumns(raw, tree.fields);
  } catch {
    // Unparseable headers: stored without the columns.
  }
  return out;
}
