/**
 * MTOM/XOP (W3C SOAP Message Transmission Optimization, XML-binary Optimized Packaging) for
 * replies: large base64 values travel as binary MIME parts of a multipart/related body, the XML
 * holding `<xop:Include href="cid:…"/>` in their place, as KGC's server streams bulk data. A
 * message body then costs neither base64 (a third more bytes) nor an XML parser walking it
 * character by character. A client asks for it with `Accept: multipart/related`; one that does
 * not gets plain XML. Requests that upload messages come the same way from our client; the server
 * reads either form.
 */
import { randomBytes } from 'node:crypto';
import { KcError } from './errors.js';

export const XOP_NAMESPACE = 'http://www.w3.org/2004/08/xop/include';
/** base64 values at least this long go as parts; smaller ones stay inline (a part has headers too). */
export const XOP_MIN_BYTES = 2048;
/** What a client sends to be answered with MTOM. */
export const MTOM_ACCEPT = 'multipart/related, text/xml';

const ROOT_ID = 'root@kgc-ts';

/** Content-ID of the i-th part (1-based), as `cid:` URLs name it. */
export function partId(i: number): string {
  return `${i}@kgc-ts`;
}

export function acceptsMtom(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*multipart\/related\s*(;|,|$)/i.test(accept);
}

/** The reply body and its Content-Type, or null when a part holds the delimiter (then send XML). */
export function buildMultipart(
  xml: string,
  parts: readonly Buffer[],
  boundary = `kgc-${randomBytes(12).toString('hex')}`,
): { contentType: string; body: Buffer } | null {
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  const open = delimiter.subarray(2);
  // A part that starts with `--boundary` completes a delimiter with the CRLF before it.
  for (const p of parts) if (p.includes(delimiter) || p.subarray(0, open.length).equals(open)) return null;
  const chunks: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="text/xml"\r\n` +
        `Content-Transfer-Encoding: 8bit\r\nContent-ID: <${ROOT_ID}>\r\n\r\n`,
      'latin1',
    ),
    Buffer.from(xml, 'utf8'),
  ];
  parts.forEach((p, i) => {
    chunks.push(
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n` +
          `Content-Transfer-Encoding: binary\r\nContent-ID: <${partId(i + 1)}>\r\n\r\n`,
        'latin1',
      ),
      p,
    );
  });
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'));
  return {
    contentType: `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<${ROOT_ID}>"; start-info="text/xml"`,
    body: Buffer.concat(chunks),
  };
}

function bad(why: string): KcError {
  return new KcError('KCERR_NETWORK_ERROR', `malformed MTOM message: ${why}`);
}

/** A Content-Type parameter (quoted or not). */
function param(contentType: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The Content-ID of a part's header block, without its angle brackets. */
function contentId(headers: string): string | undefined {
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== 'content-id') continue;
    const v = line.slice(colon + 1).trim();
    return v.startsWith('<') && v.endsWith('>') ? v.slice(1, -1) : v;
  }
  return undefined;
}

/**
 * Splits a multipart/related body (RFC 2387) into the root part (the XML, the `start` part or the
 * first) and the other parts by Content-ID (without angle brackets). Parts are copies: a cached
 * message body must not keep the whole reply alive.
 */
export function parseMultipart(contentType: string, body: Buffer): { root: string; parts: Map<string, Buffer> } {
  const boundary = param(contentType, 'boundary');
  if (!boundary || boundary.length > 70) throw bad('no usable boundary');
  const start = param(contentType, 'start')?.replace(/^<|>$/g, '');
  const open = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  /** A delimiter line (RFC 2046 §5.1.1): the boundary, then `--`, or blanks and CRLF. */
  const isDelimiterEnd = (at: number): boolean => {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return true;
    let i = at;
    while (body[i] === 0x20 || body[i] === 0x09) i++;
    return body[i] === 0x0d && body[i + 1] === 0x0a;
  };
  const nextDelimiter = (from: number): number => {
    for (let at = body.indexOf(delimiter, from); at >= 0; at = body.indexOf(delimiter, at + 1))
      if (isDelimiterEnd(at + delimiter.length)) return at;
    return -1;
  };
  let pos: number;
  if (body.subarray(0, open.length).equals(open) && isDelimiterEnd(open.length)) pos = open.length;
  else {
    const first = nextDelimiter(0);
    if (first < 0) throw bad('no first delimiter');
    pos = first + delimiter.length;
  }
  const found: Array<{ id: string | undefined; data: Buffer }> = [];
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // close delimiter
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) throw bad('truncated');
    const headersEnd = body.indexOf('\r\n\r\n', lineEnd);
    if (headersEnd < 0) throw bad('part without a header end');
    const headers = body.subarray(lineEnd + 2, headersEnd).toString('latin1');
    const dataStart = headersEnd + 4;
    const next = nextDelimiter(dataStart);
    if (next < 0) throw bad('no close delimiter');
    found.push({ id: contentId(headers), data: Buffer.from(body.subarray(dataStart, next)) });
    pos = next + delimiter.length;
  }
  const rootIndex = start ? found.findIndex((f) => f.id === start) : 0;
  const root = found[rootIndex];
  if (!root) throw bad('no root part');
  const parts = new Map<string, Buffer>();
  found.forEach((f, i) => {
    if (i !== rootIndex && f.id !== undefined) parts.set(f.id, f.data);
  });
  return { root: root.data.toString('utf8'), parts };
}
