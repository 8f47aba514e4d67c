import { decodeCharset } from './charset.js';
import { parseMimeTree } from './mime-parser.js';
import { decodeBase64Body, decodeQuotedPrintableBody } from './transfer-decode.js';
import type { MimeNode } from './types.js';

/** The decoded text of one searchable part. */
export interface BodyTextPart {
  partNumber: string;
  /** Lower-cased media type, e.g. "text/plain", "message/delivery-status". */
  mediaType: string;
  /** Charset the text was decoded from ("us-ascii" when none was declared). */
  charset: string;
  /** UTF-8 text, line ends as in the decoded content. */
  text: string;
}

/**
 * Which parts hold searchable text, by Dovecot's rule for SEARCH BODY: a part without Content-Type (text/plain)
 * or whose Content-Type parses as text/* or message/*. A type without a subtype ("text") or one that cannot be
 * parsed does not count. Headers, multipart preambles and epilogues are never text.
 */
function isSearchable(node: MimeNode): boolean {
  if (node.isMultipart || node.message !== null) return false;
  if (node.contentType === null) return true;
  const t = node.contentType.toString('latin1').toLowerCase();
  return (t === 'text' || t === 'message') && node.contentSubtype !== null && node.contentSubtype.length > 0;
}

/** Body of a part with its transfer encoding undone (unknown encodings are taken as they are). */
export function decodedPartBody(raw: Buffer, node: MimeNode): Buffer {
  const body = raw.subarray(node.bodyStart, node.bodyEnd);
  switch (node.transferEncoding) {
    case 'base64':
      return decodeBase64Body(body);
    case 'quoted-printable':
      return decodeQuotedPrintableBody(body);
    default:
      return body;
  }
}

/**
 * The text of every text/* and message/* leaf part (in part order), transfer-decoded and converted to UTF-8: what
 * SEARCH BODY looks at. Undeclared or US-ASCII bodies are read as UTF-8 (invalid bytes become U+FFFD, so
 * undeclared Latin-1 stays unsearchable, as in Dovecot); an unknown charset is read as UTF-8 too. Encapsulated
 * messages contribute their own parts.
 */
export function decodedBodyParts(raw: Buffer, tree: MimeNode): BodyTextPart[] {
  const out: BodyTextPart[] = [];
  const stack: MimeNode[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as MimeNode;
    if (node.message !== null) stack.push(node.message);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as MimeNode);
    if (!isSearchable(node)) continue;
    const bytes = decodedPartBody(raw, node);
    const charset = node.charset ?? 'us-ascii';
    const text = decodeCharset(bytes, charset) ?? bytes.toString('utf8');
    out.push({ partNumber: node.partNumber, mediaType: node.mediaType, charset, text });
  }
  return out;
}

/** {@link decodedBodyParts} joined with a line break between parts. */
export function decodedBodyText(raw: Buffer, tree: MimeNode): string {
  return decodedBodyParts(raw, tree)
    .map((p) => p.text)
    .join('\n');
}

/** IMAP SEARCH string matching (RFC 3501 §6.4.4): a case-insensitive substring. */
export function containsText(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

/**
 * Which of `texts` the body of a message contains ({@link decodedBodyText}, {@link containsText}):
 * SEARCH BODY, the one definition the gateway (bodies it holds) and the server (searchBodies) both
 * use. The texts are folded once, for all the messages the matcher is given.
 */
export function bodyTextMatcher(texts: readonly string[]): (raw: Buffer) => string[] {
  const folded = texts.map((t) => t.toLowerCase());
  return (raw) => {
    if (texts.length === 0) return [];
    const body = decodedBodyText(raw, parseMimeTree(raw)).toLowerCase();
    return texts.filter((_, i) => body.includes(folded[i] as string));
  };
}

/** {@link bodyTextMatcher} for one message. */
export function bodyTextMatches(raw: Buffer, texts: readonly string[]): string[] {
  return bodyTextMatcher(texts)(raw);
}
