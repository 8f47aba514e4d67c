/**
 * Typed SOAP client for the KGC-TS server. Builds document/literal requests from the spec and
 * parses replies with a strict parser; a SOAP fault becomes a KcError with the server's code.
 */
import http from 'node:http';
import https from 'node:https';
import { fromXml, toXml } from './codec.js';
import { isKcErrorCode, KcError } from './errors.js';
import { buildMultipart, MTOM_ACCEPT, parseMultipart } from './mtom.js';
import type { Fields } from './schema.js';
import { type Input, type OperationName, type Output, operations } from './spec.js';
import { NAMESPACE } from './wsdl.js';
import { child, parseXml } from './xml.js';

export interface SoapClientOptions {
  /** `server_socket`: http://host:port/, https://host:port/ or file:///path/to/server.sock */
  url: string;
  /** Per call; notifyGetItems adds its own wait on top. Default 120 s. */
  timeoutMs?: number;
  /** Largest reply accepted, bytes. Default 256 MiB. */
  maxResponseBytes?: number;
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
  maxSockets?: number;
}

export class SoapClient {
  private readonly target: URL;
  private readonly agent: http.Agent;
  private readonly socketPath: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: SoapClientOptions) {
    this.target = new URL(options.url);
    this.socketPath = this.target.protocol === 'file:' ? decodeURIComponent(this.target.pathname) : undefined;
    const agentOpts = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
    this.agent =
      this.target.protocol === 'https:'
        ? new https.Agent({ ...agentOpts, ...(options.tls ?? {}) })
        : new http.Agent(agentOpts);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * 1024 * 1024;
  }

  get url(): string {
    return this.options.url;
  }

  async call<N extends OperationName>(name: N, input: Input<N>): Promise<Output<N>> {
    const spec = operations[name];
    // Large base64 values (message uploads) go as MTOM parts: the server parses no base64 in XML.
    const envelope = (parts?: Buffer[]) =>
      `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${name} xmlns="${NAMESPACE}">${toXml(spec.input as Fields, input as Record<string, unknown>, parts)}</${name}></soap:Body></soap:Envelope>`;
    const uploads: Buffer[] = [];
    const xml = envelope(uploads);
    const request = (uploads.length > 0 ? buildMultipart(xml, uploads) : null) ?? {
      contentType: 'text/xml; charset=utf-8',
      body: Buffer.from(uploads.length > 0 ? envelope() : xml, 'utf8'),
    };
    const extra =
      name === 'notifyGetItems' ? ((input as Input<'notifyGetItems'>).timeoutSeconds ?? 60) * 1000 + 10_000 : 0;
    const reply = await this.post(name, request, this.timeoutMs + extra);
    const { status } = reply;
    // An MTOM reply: the XML part, and the binary parts its xop:Include elements name.
    const { root: text, parts } = /^multipart\/related\s*;/i.test(reply.contentType)
      ? parseMultipart(reply.contentType, reply.body)
      : { root: reply.body.toString('utf8'), parts: undefined };
    let doc: ReturnType<typeof parseXml>;
    try {
      doc = parseXml(text);
    } catch {
      throw new KcError('KCERR_NETWORK_ERROR', `unparseable reply (HTTP ${status})`);
    }
    const bodyNode = child(child(doc, 'Envelope'), 'Body');
    const fault = child(bodyNode, 'Fault');
    if (fault) {
      const detail = child(child(fault, 'detail'), 'KgcFault');
      const code = child(detail, 'code')?.text ?? child(fault, 'faultstring')?.text;
      const message = child(detail, 'message')?.text ?? child(fault, 'faultstring')?.text ?? 'fault';
      throw new KcError(isKcErrorCode(code) ? code : 'KCERR_UNKNOWN', message);
    }
    const resp = child(bodyNode, `${name}Response`);
    if (!resp) throw new KcError('KCERR_NETWORK_ERROR', `no ${name}Response in reply (HTTP ${status})`);
    return fromXml(spec.output as Fields, resp, '', parts) as Output<N>;
  }

  private post(
    name: string,
    request: { contentType: string; body: Buffer },
    timeoutMs: number,
  ): Promise<{ status: number; contentType: string; body: Buffer }> {
    const { body } = request;
    return new Promise((resolve, reject) => {
      const mod = this.target.protocol === 'https:' ? https : http;
      const req = mod.request(
        {
          agent: this.agent,
          method: 'POST',
          ...(this.socketPath
            ? { socketPath: this.socketPath, path: '/' }
            : { host: this.target.hostname, port: this.target.port, path: this.target.pathname || '/' }),
          headers: {
            'content-type': request.contentType,
            'content-length': body.length,
            accept: MTOM_ACCEPT,
            soapaction: `"${NAMESPACE}#${name}"`,
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > this.maxResponseBytes) {
              req.destroy(new KcError('KCERR_TOO_BIG', 'reply exceeds the client limit'));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'] ?? '',
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', (e) => reject(asNetworkError(e)));
        },
      );
      req.on('timeout', () => req.destroy(new KcError('KCERR_NETWORK_ERROR', `${name}: timed out`)));
      req.on('error', (e) => reject(asNetworkError(e)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function asNetworkError(e: unknown): KcError {
  if (e instanceof KcError) return e;
  return new KcError('KCERR_NETWORK_ERROR', e instanceof Error ? e.message : String(e));
}

type SessionInput<N extends OperationName> = Omit<Input<N>, 'sessionId'>;

/** A logged-on session: injects the session id and, for service sessions, logs on again when it expired. */
export class KgcSession {
  constructor(
    readonly client: SoapClient,
    private sessionId: string,
    private readonly relogon?: () => Promise<string>,
  ) {}

  get id(): string {
    return this.sessionId;
  }

  async call<N extends OperationName>(name: N, input: SessionInput<N>): Promise<Output<N>> {
    try {
      return await this.client.call(name, { ...input, sessionId: this.sessionId } as unknown as Input<N>);
    } catch (e) {
      if (e instanceof KcError && e.code === 'KCERR_END_OF_SESSION' && this.relogon) {
        this.sessionId = await this.relogon();
        return this.client.call(name, { ...input, sessionId: this.sessionId } as unknown as Input<N>);
      }
      throw e;
    }
  }

  async logoff(): Promise<void> {
    await this.client.call('logoff', { sessionId: this.sessionId });
  }
}

export async function userLogon(client: SoapClient, username: string, password: string): Promise<KgcSession> {
  const r = await client.call('logon', { username, password });
  return new KgcSession(client, r.sessionId);
}

export async function serviceLogon(client: SoapClient, secret: string, impersonate?: string): Promise<KgcSession> {
  const logon = async () => (await client.call('serviceLogon', { secret, impersonate })).sessionId;
  return new KgcSession(client, await logon(), logon);
}
