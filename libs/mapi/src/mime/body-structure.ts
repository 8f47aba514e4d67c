import { type Envelope, envelopeOf } from './envelope.js';
import type { MimeParam } from './rfc2231.js';
import type { MimeNode } from './types.js';

export interface BodyDisposition {
  type: Buffer;
  params: MimeParam[] | null;
}

/** Extension data of a non-multipart body (BODYSTRUCTURE only). */
export interface SinglePartExtension {
  md5: Buffer | null;
  disposition: BodyDisposition | null;
  language: Buffer[] | null;
  location: Buffer | null;
}

/** Extension data of a multipart body (BODYSTRUCTURE only). */
export interface MultipartExtension {
  params: MimeParam[] | null;
  disposition: BodyDisposition | null;
  language: Buffer[] | null;
  location: Buffer | null;
}

export interface BodyFields {
  type: Buffer;
  subtype: Buffer;
  /** null is NIL; text bodies always have a list (charset us-ascii is added when missing). */
  params: MimeParam[] | null;
  id: Buffer | null;
  description: Buffer | null;
  encoding: Buffer;
  /** Body size in octets as IMAP counts them. */
  size: number;
  /** Present when extension data was asked for. */
  extension?: SinglePartExtension;
}

export interface BasicBody extends BodyFields {
  kind: 'basic';
}

export interface TextBody extends BodyFields {
  kind: 'text';
  lines: number;
}

export interface MessageBody extends BodyFields {
  kind: 'message';
  envelope: Envelope;
  body: BodyStructure;
  lines: number;
}

export interface MultipartBody {
  kind: 'multipart';
  parts: BodyStructure[];
  subtype: Buffer;
  /** Present when extension data was asked for. */
  extension?: MultipartExtension;
}

export type BodyStructure = BasicBody | TextBody | MessageBody | MultipartBody;

export interface BodyStructureOptions {
  /** true for BODYSTRUCTURE (extension data, always up to the location), false for BODY. */
  extended: boolean;
}

const TEXT = Buffer.from('text', 'latin1');
const PLAIN = Buffer.from('plain', 'latin1');
const MESSAGE = Buffer.from('message', 'latin1');
const RFC822 = Buffer.from('rfc822', 'latin1');
const SEVEN_BIT = Buffer.from('7bit', 'latin1');
const CHARSET = Buffer.from('charset', 'latin1');
const US_ASCII = Buffer.from('us-ascii', 'latin1');

function disposition(node: MimeNode): BodyDisposition | null {
  if (node.contentDisposition === null) return null;
  const params = node.contentDispositionParams;
  return { type: node.contentDisposition, params: params.length > 0 ? params : null };
}

/** A multipart without any part is written as one empty text/plain part (Dovecot's choice). */
function emptyTextBody(extended: boolean): TextBody {
  const body: TextBody = {
    kind: 'text',
    type: TEXT,
    subtype: PLAIN,
    params: [{ name: CHARSET, value: US_ASCII }],
    id: null,
    description: null,
    encoding: SEVEN_BIT,
    size: 0,
    lines: 0,
  };
  if (extended) body.extension = { md5: null, disposition: null, language: null, location: null };
  return body;
}

/**
 * BODY (`extended: false`) or BODYSTRUCTURE (`extended: true`) of a node, with Dovecot's defaults: no
 * Content-Type is text/plain; a text body without charset gets "us-ascii"; no transfer encoding is "7bit";
 * case is kept as written; a message/rfc822 part carries the envelope, body and line count of its message.
 */
export function bodyStructureOf(node: MimeNode, options: BodyStructureOptions): BodyStructure {
  const { extended } = options;
  if (node.isMultipart) {
    const parts = node.children.length > 0 ? node.children.map((c) => bodyStructureOf(c, options)) : [];
    if (parts.length === 0) parts.push(emptyTextBody(extended));
    const body: MultipartBody = { kind: 'multipart', parts, subtype: node.contentSubtype ?? Buffer.alloc(0) };
    if (extended) {
      body.extension = {
        params: node.contentTypeParams.length > 0 ? node.contentTypeParams : null,
        disposition: disposition(node),
        language: node.contentLanguage,
        location: node.contentLocation,
      };
    }
    return body;
  }

  let type: Buffer;
  let subtype: Buffer;
  if (node.isMessage) {
    type = MESSAGE;
    subtype = RFC822;
  } else if (node.contentType === null) {
    type = TEXT;
    subtype = PLAIN;
  } else {
    type = node.contentType;
    subtype = node.contentSubtype ?? Buffer.alloc(0);
  }
  let params: MimeParam[] | null = node.contentTypeParams.length > 0 ? [...node.contentTypeParams] : null;
  if (node.isText) {
    params ??= [];
    if (!params.some((p) => p.name.toString('latin1').toLowerCase() === 'charset')) {
      params.push({ name: CHARSET, value: US_ASCII });
    }
  }
  const fields: BodyFields = {
    type,
    subtype,
    params,
    id: node.contentId,
    description: node.contentDescription,
    encoding: node.contentTransferEncoding ?? SEVEN_BIT,
    size: node.size,
  };
  if (extended) {
    fields.extension = {
      md5: node.contentMd5,
      disposition: disposition(node),
      language: node.contentLanguage,
      location: node.contentLocation,
    };
  }
  if (node.isMessage && node.message !== null) {
    return {
      kind: 'message',
      ...fields,
      envelope: envelopeOf(node.message),
      body: bodyStructureOf(node.message, options),
      lines: node.bodySize.lines,
    };
  }
  if (node.isText) return { kind: 'text', ...fields, lines: node.bodySize.lines };
  return { kind: 'basic', ...fields };
}
