import { CR, LF, toImapLineEnds } from './bytes.js';
import { type HeaderField, parseHeaderBlock } from './header-parser.js';
import { findPart } from './mime-parser.js';
import type { MimeNode } from './types.js';

/** What of a part a section designates (RFC 3501 section-text / section-msgtext). */
export type SectionText =
  /** `BODY[]` (the whole message) or `BODY[n]` (the body of part n) */
  | { kind: 'full' }
  | { kind: 'header' }
  | { kind: 'text' }
  /** `n.MIME`: the MIME header of part n */
  | { kind: 'mime' }
  /** `HEADER.FIELDS (list)` and, with `not`, `HEADER.FIELDS.NOT (list)` */
  | { kind: 'header-fields'; fields: string[]; not: boolean };

export interface SectionSpec {
  /** "" for the message, otherwise an IMAP part number such as "1.2". */
  part: string;
  text: SectionText;
}

/** `<offset.length>` of a partial fetch; without `length` everything from `offset` on. */
export interface SectionPartial {
  offset: number;
  length?: number;
}

const PART_NUMBER = /^[1-9][0-9]*(?:\.[1-9][0-9]*)*/;

/** Reads the astrings of a header list "(a "b" c)"; null when it is not a non-empty list of astrings. */
function parseHeaderList(text: string): string[] | null {
  const m = /^\(\s*(.*?)\s*\)$/s.exec(text);
  if (m === null) return null;
  const body = m[1] as string;
  const names: string[] = [];
  const token = /\s*(?:"((?:[^"\\\r\n]|\\["\\])*)"|([^\s()"{%*\\\]]+))/y;
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    const t = token.exec(body);
    if (t === null) return null;
    names.push(t[1] !== undefined ? t[1].replace(/\\(["\\])/g, '$1') : (t[2] as string));
    at = token.lastIndex;
    if (at < body.length && !/\s/.test(body[at] as string)) return null;
  }
  return names.length > 0 ? names : null;
}

/**
 * Parses the text between the brackets of `BODY[...]`: "", "HEADER", "TEXT", "HEADER.FIELDS (..)",
 * "HEADER.FIELDS.NOT (..)", "1.2", "1.2.MIME", "1.2.HEADER", "1.2.TEXT", "1.2.HEADER.FIELDS (..)".
 * Keywords are case-insensitive. Returns null for anything else (an IMAP BAD), including part number 0 and
 * MIME without a part number.
 */
export function parseSection(section: string): SectionSpec | null {
  const num = PART_NUMBER.exec(section);
  let part = '';
  let rest = section;
  if (num !== null) {
    part = num[0];
    rest = section.slice(part.length);
    if (rest === '') return { part, text: { kind: 'full' } };
    if (!rest.startsWith('.')) return null;
    rest = rest.slice(1);
  } else if (/^[0-9.]/.test(section)) {
    return null;
  }
  const upper = rest.toUpperCase();
  if (upper === '') return part === '' ? { part, text: { kind: 'full' } } : null;
  if (upper === 'HEADER') return { part, text: { kind: 'header' } };
  if (upper === 'TEXT') return { part, text: { kind: 'text' } };
  if (upper === 'MIME') return part === '' ? null : { part, text: { kind: 'mime' } };
  const fields = /^HEADER\.FIELDS(\.NOT)? (.*)$/is.exec(rest);
  if (fields === null) return null;
  const names = parseHeaderList(fields[2] as string);
  if (names === null) return null;
  return { part, text: { kind: 'header-fields', fields: names, not: fields[1] !== undefined } };
}

/** The header fields whose names are (or, with `not`, are not) in the list, each line ending CRLF, then CRLF. */
function filterHeader(raw: Buffer, fields: readonly HeaderField[], names: readonly string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const chunks: Buffer[] = [];
  for (const f of fields) {
    if (wanted.has(f.name.toLowerCase()) === not) continue;
    const bytes = raw.subarray(f.start, f.end);
    chunks.push(bytes);
    if (bytes[bytes.length - 1] !== LF) chunks.push(Buffer.from([CR, LF]));
  }
  chunks.push(Buffer.from([CR, LF]));
  return Buffer.concat(chunks);
}

const EMPTY = Buffer.alloc(0);

/**
 * The octets of an IMAP body section, as Dovecot 2.3 sends them: bare LF as CRLF and NUL as 0x80. A part that
 * does not exist, and HEADER/TEXT of a part that is not message/rfc822 (message/global included), give an empty
 * result (Dovecot answers an empty literal). `BODY[n]` of a multipart is its raw body with delimiters, preamble
 * and epilogue; of a message/rfc822 part, the whole encapsulated message; `n.MIME` of a part whose header is
 * empty is CRLF. Returns null only when `section` is not valid section syntax.
 */
export function sectionOf(
  raw: Buffer,
  tree: MimeNode,
  section: string | SectionSpec,
  partial?: SectionPartial,
): Buffer | null {
  const spec = typeof section === 'string' ? parseSection(section) : section;
  if (spec === null) return null;
  return finish(sectionBytes(raw, tree, spec), partial);
}

/**
 * A top-level header section (`HEADER`, `HEADER.FIELDS (…)`, `HEADER.FIELDS.NOT (…)`) read from the
 * message's header alone, without a MIME tree: what sectionOf answers for it, from the whole
 * message or from its header block (a FETCH of a message list needs nothing more). Null for any
 * other section.
 */
export function headerSectionOf(raw: Buffer, spec: SectionSpec, partial?: SectionPartial): Buffer | null {
  if (spec.part !== '') return null;
  const text = spec.text;
  if (text.kind !== 'header' && text.kind !== 'header-fields') return null;
  const block = parseHeaderBlock(raw, 0, null);
  const data =
    text.kind === 'header' ? raw.subarray(0, block.end) : filterHeader(raw, block.fields, text.fields, text.not);
  return finish(data, partial);
}

/** The whole message (`BODY[]`, `RFC822`) as IMAP sends it, without a MIME tree; null for any other section. */
export function wholeMessageSectionOf(raw: Buffer, spec: SectionSpec, partial?: SectionPartial): Buffer | null {
  if (spec.part !== '' || spec.text.kind !== 'full') return null;
  return finish(raw, partial);
}

/** Section bytes as IMAP sends them, cut to `partial`. */
function finish(data: Buffer, partial: SectionPartial | undefined): Buffer {
  const out = toImapLineEnds(data);
  if (partial === undefined) return out;
  if (partial.offset >= out.length) return EMPTY;
  const end = partial.length === undefined ? out.length : Math.min(out.length, partial.offset + partial.length);
  return out.subarray(partial.offset, end);
}

function sectionBytes(raw: Buffer, tree: MimeNode, spec: SectionSpec): Buffer {
  const node = findPart(tree, spec.part);
  if (node === null) return EMPTY;
  const text = spec.text;
  if (text.kind === 'full') {
    return spec.part === '' ? raw : raw.subarray(node.bodyStart, node.bodyEnd);
  }
  if (text.kind === 'mime') return raw.subarray(node.headerStart, node.bodyStart);
  let message: MimeNode | null = node;
  if (spec.part !== '') message = node.isMessage ? node.message : null;
  if (message === null) return EMPTY;
  switch (text.kind) {
    case 'header':
      return raw.subarray(message.headerStart, message.bodyStart);
    case 'text':
      return raw.subarray(message.bodyStart, message.bodyEnd);
    case 'header-fields':
      return filterHeader(raw, message.fields, text.fields, text.not);
  }
}
