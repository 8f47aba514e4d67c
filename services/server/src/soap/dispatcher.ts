/**
 * The SOAP endpoint. strong-soap loads and checks the generated WSDL at start, serves it, and
 * answers what we do not route; a request for a known operation is read by us (size limit, DTD
 * rejection, UTF-8 across chunks, strict parse), decoded into the typed Input<N> and answered by
 * the spec's codec, the one the client uses: one definition of the wire format both ways.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  acceptsMtom,
  buildMultipart,
  child,
  type Fields,
  fromXml,
  generateWsdl,
  type Input,
  KcError,
  NAMESPACE,
  type OperationName,
  type Output,
  operations,
  PORT_NAME,
  parseMultipart,
  parseXml,
  SERVICE_NAME,
  toLoose,
  toXml,
  type XmlNode,
} from '@kgc/soap';
import soapPkg, { type OperationFn, type SoapServer } from 'strong-soap';
import { faultObject, faultXml } from './fault.js';

export interface CallInfo {
  operation: OperationName;
  remoteAddress: string;
}

export type OpHandler<C, N extends OperationName> = (ctx: C, input: Input<N>, call: CallInfo) => Promise<Output<N>>;
export type OpTable<C> = { [N in OperationName]: OpHandler<C, N> };

export interface DispatcherHooks {
  /** Called after every operation with its outcome (for logs and metrics). */
  onResult?(op: string, outcome: 'ok' | string, ms: number, error?: unknown): void;
}

export interface Dispatcher {
  handle(req: IncomingMessage, res: ServerResponse): void;
  readonly wsdl: string;
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>';
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>';

/** Anything that could make an XML parser fetch or expand entities. */
const DTD = /<!(DOCTYPE|ENTITY)/i;

export async function createDispatcher<C>(
  table: OpTable<C>,
  ctx: C,
  opts: { maxRequestBytes: number; location?: string; hooks?: DispatcherHooks },
): Promise<Dispatcher> {
  const wsdl = generateWsdl(opts.location);
  /** The request body as our own strict parser read it; operation inputs are decoded from it. */
  const bodies = new WeakMap<IncomingMessage, XmlNode>();
  /** The binary parts of an MTOM request, by Content-ID. */
  const requestParts = new WeakMap<IncomingMessage, ReadonlyMap<string, Buffer>>();
  /** Decodes the input, runs the operation, reports the outcome; a failure becomes a KcError. */
  const run = async (
    name: OperationName,
    req: IncomingMessage,
  ): Promise<{ out: Record<string, unknown> } | { error: KcError }> => {
    const started = performance.now();
    const call: CallInfo = { operation: name, remoteAddress: req.socket.remoteAddress ?? '' };
    try {
      const node = child(bodies.get(req), name);
      if (!node) throw new KcError('KCERR_INVALID_PARAMETER', `no ${name} element in the request`);
      const input = fromXml(operations[name].input as Fields, node, '', requestParts.get(req)) as Input<typeof name>;
      const out = await (table[name] as OpHandler<C, typeof name>)(ctx, input, call);
      opts.hooks?.onResult?.(name, 'ok', performance.now() - started);
      return { out: out as Record<string, unknown> };
    } catch (err) {
      const e = err instanceof KcError ? err : new KcError('KCERR_UNKNOWN', 'internal error; see the server log');
      opts.hooks?.onResult?.(name, e.code, performance.now() - started, err);
      return { error: e };
    }
  };
  // strong-soap serves the WSDL with an implementation of each operation (the same run).
  const port: Record<string, OperationFn> = {};
  for (const name of Object.keys(operations) as OperationName[]) {
    port[name] = (_args, callback, _headers, req) => {
      void run(name, req).then((r) =>
        'error' in r
          ? callback(faultObject(r.error.code, r.error.message))
          : callback(null, toLoose(operations[name].output as Fields, r.out)),
      );
      return undefined;
    };
  }
  const soap: SoapServer = soapPkg.soap.listen(
    new EventEmitter(),
    '/',
    { [SERVICE_NAME]: { [PORT_NAME]: port } },
    wsdl,
  );
  await waitLoaded(soap);

  const send = (res: ServerResponse, status: number, body: string) => {
    if (res.headersSent) return;
    // Encoded once: its length and the bytes written (byteLength and end(string) each walk it).
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'content-length': bytes.length });
    res.end(bytes);
  };
  const fault = (res: ServerResponse, status: number, e: KcError) =>
    send(res, status, faultXml(e.code, e.message, NAMESPACE));

  /**
   * A request for a known operation: decoded and answered by the spec's codec (the client's), which
   * serialises large answers (10,000-row tables) several times faster than strong-soap's builder.
   */
  const execute = (name: OperationName, req: IncomingMessage, res: ServerResponse) => {
    void run(name, req).then((r) => {
      if ('error' in r) {
        fault(res, 500, r.error);
        return;
      }
      // MTOM when the client accepts it: large base64 values go as binary parts.
      const parts: Buffer[] | undefined = acceptsMtom(req.headers.accept) ? [] : undefined;
      const xml = (p: Buffer[] | undefined) =>
        `${ENVELOPE_OPEN}<${name}Response xmlns="${NAMESPACE}">${toXml(operations[name].output as Fields, r.out, p)}</${name}Response>${ENVELOPE_CLOSE}`;
      const text = xml(parts);
      const multipart = parts && parts.length > 0 ? buildMultipart(text, parts) : null;
      if (multipart) {
        if (res.headersSent) return;
        res.writeHead(200, { 'content-type': multipart.contentType, 'content-length': multipart.body.length });
        res.end(multipart.body);
      } else send(res, 200, parts && parts.length > 0 ? xml(undefined) : text);
    });
  };

  return {
    wsdl,
    handle(req, res) {
      if (req.method === 'GET' && /^\?wsdl$/i.test(new URL(req.url ?? '/', 'http://x').search)) {
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        res.end(wsdl);
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'GET, POST', 'content-type': 'text/plain' });
        res.end('POST a SOAP request, or GET /?wsdl\n');
        return;
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > opts.maxRequestBytes) {
        fault(res, 413, new KcError('KCERR_TOO_BIG', `request exceeds ${opts.maxRequestBytes} bytes`));
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let aborted = false;
      req.on('data', (c: Buffer) => {
        if (aborted) return;
        size += c.length;
        if (size > opts.maxRequestBytes) {
          aborted = true;
          chunks.length = 0;
          fault(res, 413, new KcError('KCERR_TOO_BIG', `request exceeds ${opts.maxRequestBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (aborted) return;
        const raw = Buffer.concat(chunks);
        // An MTOM request (message uploads): the XML part, and the binary parts it names.
        let xml: string;
        if (/^multipart\/related\s*;/i.test(req.headers['content-type'] ?? '')) {
          try {
            const mtom = parseMultipart(req.headers['content-type'] ?? '', raw);
            xml = mtom.root;
            requestParts.set(req, mtom.parts);
          } catch (e) {
            fault(
              res,
              400,
              new KcError('KCERR_INVALID_PARAMETER', e instanceof KcError ? e.message : 'malformed MTOM'),
            );
            return;
          }
        } else xml = raw.toString('utf8');
        if (DTD.test(xml)) {
          fault(res, 400, new KcError('KCERR_INVALID_PARAMETER', 'DTDs and entity declarations are not accepted'));
          return;
        }
        try {
          const body = child(child(parseXml(xml), 'Envelope'), 'Body');
          if (!body) throw new KcError('KCERR_INVALID_PARAMETER', 'not a SOAP envelope');
          bodies.set(req, body);
        } catch (e) {
          fault(res, 400, e instanceof KcError ? e : new KcError('KCERR_INVALID_PARAMETER', 'malformed XML'));
          return;
        }
        const opName = bodies.get(req)?.children[0]?.name;
        try {
          if (opName !== undefined && Object.hasOwn(operations, opName)) {
            execute(opName as OperationName, req, res);
            return;
          }
          if (requestParts.has(req)) throw new KcError('KCERR_INVALID_PARAMETER', 'MTOM is for known operations only');
          soap._process(xml, req, (out, status) => send(res, status ?? 200, out));
        } catch {
          fault(res, 400, new KcError('KCERR_INVALID_PARAMETER', 'not a SOAP request for a known operation'));
        }
      });
      req.on('error', () => {
        aborted = true;
      });
    },
  };
}

async function waitLoaded(soap: SoapServer): Promise<void> {
  const loaded = () => (soap as unknown as { xmlHandler?: unknown }).xmlHandler !== undefined;
  for (let i = 0; i < 500 && !loaded(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!loaded()) throw new Error('strong-soap did not load the WSDL');
}
