import type { MessageSize } from './bytes.js';
import type { HeaderField } from './header-parser.js';
import type { MimeParam } from './rfc2231.js';

/** A parameter decoded for applications: RFC 2231 joined and charset-decoded, RFC 2047 words decoded, UTF-8. */
export interface DecodedParam {
  /** Lower-cased name without RFC 2231 markers (`filename*0*` → `filename`). */
  name: string;
  value: string;
}

/**
 * One node of the MIME tree. Offsets index the raw message given to `parseMimeTree`; every Buffer that is not
 * a decoded convenience value holds the bytes as written. Node layout follows Dovecot 2.3, whose IMAP answers are
 * the reference: a message/rfc822 node has no children of its own but an encapsulated message in `message`.
 */
export interface MimeNode {
  /**
   * IMAP part number: "" for the message; "1", "1.2", ... for parts. An encapsulated message (the `message` of a
   * message/rfc822 part) carries the number of that part ("2"; "1" when the top-level message is message/rfc822),
   * and numbers its own parts below it ("2.1", ...) exactly like the top-level message does.
   */
  partNumber: string;
  /** 0 for the message, +1 per multipart child and per encapsulated message. */
  depth: number;
  /** Offset of the first header byte. */
  headerStart: number;
  /** Offset after the last header field (before the empty separator line, if any). */
  headerEnd: number;
  /** Offset of the first body byte (after the separator line, if any). */
  bodyStart: number;
  /** Offset after the last body byte. For a part inside a multipart this excludes the line end before the next boundary. */
  bodyEnd: number;
  /** Size of [headerStart, bodyStart). */
  headerSize: MessageSize;
  /** Size of [bodyStart, bodyEnd); `virtual` is what IMAP reports as the body size, `lines` its line count. */
  bodySize: MessageSize;
  /** The body size IMAP reports (octets, a bare LF counted as CRLF). */
  size: number;
  /** Line count IMAP reports for text/* and message/rfc822 bodies; null for other parts. */
  lines: number | null;
  fields: HeaderField[];
  /** The header was cut short by a boundary line of an enclosing multipart. */
  headerCutByBoundary: boolean;
  /** MIME-Version or a Content-Type field was seen (parts of a multipart are always MIME). */
  isMime: boolean;
  /** Has children in `children` (or would have: a multipart without usable boundary has none). */
  isMultipart: boolean;
  /** Is message/rfc822 (explicitly, or by default inside multipart/digest) with its message parsed into `message`. */
  isMessage: boolean;
  /** Is a text part (text/*, or the text/plain default). */
  isText: boolean;
  hasNuls: boolean;
  /** Content-Type main type as written; null without a (MIME) Content-Type. "" when it could not be parsed. */
  contentType: Buffer | null;
  /** Content-Type subtype as written; null without a (MIME) Content-Type. "" when it could not be parsed. */
  contentSubtype: Buffer | null;
  /** Content-Type parameters as IMAP reports them (RFC 2231 sections joined, not decoded). */
  contentTypeParams: MimeParam[];
  contentId: Buffer | null;
  contentDescription: Buffer | null;
  contentTransferEncoding: Buffer | null;
  contentDisposition: Buffer | null;
  contentDispositionParams: MimeParam[];
  contentLanguage: Buffer[] | null;
  contentLocation: Buffer | null;
  contentMd5: Buffer | null;
  /** Lower-cased media type with the defaults applied, e.g. "text/plain", "multipart/mixed", "message/rfc822". */
  mediaType: string;
  /** Content-Type parameters decoded (RFC 2231 and RFC 2047) to UTF-8. */
  params: DecodedParam[];
  /** Content-Disposition parameters decoded (RFC 2231 and RFC 2047) to UTF-8. */
  dispositionParams: DecodedParam[];
  /** Lower-cased charset parameter, or null. */
  charset: string | null;
  /** Lower-cased transfer encoding, "7bit" when absent. */
  transferEncoding: string;
  children: MimeNode[];
  /** The encapsulated message of a message/rfc822 part. */
  message: MimeNode | null;
}
