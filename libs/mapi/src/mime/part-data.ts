import { ByteWriter, untilNul } from './bytes.js';
import type { HeaderField } from './header-parser.js';
import { decodeParams } from './param-decode.js';
import { COMMA, Rfc822Reader } from './rfc822-reader.js';
import { type MimeParam, readMimeParams } from './rfc2231.js';
import type { MimeNode } from './types.js';

/** The result of reading a Content-Type value. */
export interface ContentTypeValue {
  /** "type/subtype" as written, "type" alone, or "" (see {@link Rfc822Reader.parseContentType}). */
  typeAndSubtype: string;
  type: Buffer;
  /** null when there was no "/" */
  subtype: Buffer | null;
  valid: boolean;
  /** Parameters (only read when the type was valid). */
  params: MimeParam[];
}

export function readContentType(value: Buffer): ContentTypeValue {
  const reader = new Rfc822Reader(value);
  reader.skipLwsp();
  const out = new ByteWriter(64);
  const ret = reader.parseContentType(out);
  const joined = out.toBuffer();
  const slash = joined.indexOf(0x2f);
  const type = slash === -1 ? joined : joined.subarray(0, slash);
  const subtype = slash === -1 ? null : joined.subarray(slash + 1);
  return {
    typeAndSubtype: joined.toString('latin1'),
    type,
    subtype,
    valid: ret >= 0,
    params: ret >= 0 ? readMimeParams(reader) : [],
  };
}

function readTransferEncoding(value: Buffer): Buffer | null {
  const reader = new Rfc822Reader(value);
  reader.skipLwsp();
  const out = new ByteWriter(16);
  if (reader.parseMimeToken(out) >= 0 && reader.skipLwsp() === 0 && out.length > 0) return out.toBuffer();
  return null;
}

function readDisposition(value: Buffer): { type: Buffer; params: MimeParam[] } | null {
  const reader = new Rfc822Reader(value);
  reader.skipLwsp();
  const out = new ByteWriter(16);
  if (reader.parseMimeToken(out) < 0) return null;
  return { type: out.toBuffer(), params: readMimeParams(reader) };
}

function readLanguages(value: Buffer): Buffer[] | null {
  const reader = new Rfc822Reader(value);
  const langs: Buffer[] = [];
  reader.skipLwsp();
  for (;;) {
    const out = new ByteWriter(16);
    if (reader.parseAtom(out) < 0) break;
    langs.push(out.toBuffer());
    if (!reader.at(COMMA)) break;
    reader.pos++;
    reader.skipLwsp();
  }
  return langs.length > 0 ? langs : null;
}

/** Content-* data of a part, read from its header fields the way Dovecot's message-part-data does. */
export interface ContentData {
  contentType: Buffer | null;
  contentSubtype: Buffer | null;
  contentTypeParams: MimeParam[];
  contentId: Buffer | null;
  contentDescription: Buffer | null;
  contentTransferEncoding: Buffer | null;
  contentDisposition: Buffer | null;
  contentDispositionParams: MimeParam[];
  contentLanguage: Buffer[] | null;
  contentLocation: Buffer | null;
  contentMd5: Buffer | null;
}

export function emptyContentData(): ContentData {
  return {
    contentType: null,
    contentSubtype: null,
    contentTypeParams: [],
    contentId: null,
    contentDescription: null,
    contentTransferEncoding: null,
    contentDisposition: null,
    contentDispositionParams: [],
    contentLanguage: null,
    contentLocation: null,
    contentMd5: null,
  };
}

/**
 * Reads the Content-* fields. The first occurrence of each wins, with Dovecot's quirks kept: a Content-Type that
 * cannot be parsed still counts (as "" ""), a Content-Transfer-Encoding that cannot be parsed does not, and a
 * Content-Disposition without parameters may be replaced by a later one. `firstContentType`: the first
 * Content-Type field's value, when the caller has read it already.
 */
export function readContentData(fields: readonly HeaderField[], firstContentType?: ContentTypeValue): ContentData {
  const d = emptyContentData();
  for (const f of fields) {
    if (f.name.length < 8 || f.name.slice(0, 8).toLowerCase() !== 'content-') continue;
    const name = f.name.slice(8).toLowerCase();
    const value = f.rawValue;
    switch (name) {
      case 'type':
        if (d.contentType === null) {
          const ct = firstContentType ?? readContentType(value);
          d.contentType = ct.type;
          d.contentSubtype = ct.subtype ?? Buffer.alloc(0);
          d.contentTypeParams = ct.params;
        }
        break;
      case 'transfer-encoding':
        if (d.contentTransferEncoding === null) d.contentTransferEncoding = readTransferEncoding(value);
        break;
      case 'id':
        if (d.contentId === null) d.contentId = untilNul(value);
        break;
      case 'md5':
        if (d.contentMd5 === null) d.contentMd5 = untilNul(value);
        break;
      case 'description':
        if (d.contentDescription === null) d.contentDescription = untilNul(value);
        break;
      case 'location':
        if (d.contentLocation === null) d.contentLocation = untilNul(value);
        break;
      case 'language':
        if (d.contentLanguage === null) d.contentLanguage = readLanguages(value);
        break;
      case 'disposition':
        if (d.contentDispositionParams.length === 0) {
          const disp = readDisposition(value);
          if (disp !== null) {
            d.contentDisposition = disp.type;
            d.contentDispositionParams = disp.params;
          }
        }
        break;
    }
  }
  return d;
}

function lower(b: Buffer | null): string {
  return b === null ? '' : b.toString('latin1').toLowerCase();
}

/** Fills a node's Content-* data and the convenience fields derived from it. */
export function applyContentData(node: MimeNode, data: ContentData): void {
  Object.assign(node, data);
  if (node.isMessage) node.mediaType = 'message/rfc822';
  else if (node.contentType === null) node.mediaType = 'text/plain';
  else node.mediaType = `${lower(node.contentType)}/${lower(node.contentSubtype)}`;
  node.params = decodeParams(node.contentTypeParams);
  node.dispositionParams = decodeParams(node.contentDispositionParams);
  const charset = node.params.find((p) => p.name === 'charset');
  node.charset = charset ? charset.value.toLowerCase() : null;
  node.transferEncoding = node.contentTransferEncoding === null ? '7bit' : lower(node.contentTransferEncoding);
}
