/**
 * A SOAP proxy in front of a test server that misbehaves on request, per operation: hold the
 * request forever (a slow server), forward it and lose the reply (the server committed, the
 * client never hears), or answer with a fault of its own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type KcErrorCode, NAMESPACE } from '@kgc/soap';

/**
 * `once`: the fault answers the next call only, then calls pass again. `reply`: the server's
 * answer (asked for as plain XML, no MTOM) is rewritten before it is passed on.
 */
export type ProxyRule =
  | 'pass'
  | 'stall'
  | 'drop-reply'
  | { fault: KcErrorCode; once?: boolean }
  | { reply: (xml: string) => string };

export interface SoapProxy {
  url: string;
  /** How to treat the next calls of `op`. */
  rule(op: string, rule: ProxyRule): void;
  /** Calls seen per operation (every rule counts). */
  calls(op: string): number;
  close(): Promise<void>;
}

function faultXml(code: KcErrorCode): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>${code}</faultstring>` +
    `<detail><ns1:KgcFault xmlns:ns1="${NAMESPACE}"><ns1:code>${code}</ns1:code><ns1:message>${code}</ns1:message></ns1:KgcFault></detail>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}

export async function startSoapProxy(target: string): Promise<SoapProxy> {
  const to = new URL(target);
  const rules = new Map<string, ProxyRule>();
  const counts = new Map<string, number>();
  const stalled = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const action = String(req.headers.soapaction ?? '').replace(/"/g, '');
    const op = action.slice(action.indexOf('#') + 1);
    counts.set(op, (counts.get(op) ?? 0) + 1);
    const rule = rules.get(op) ?? 'pass';
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (rule === 'stall') {
        stalled.add(res);
        res.on('close', () => stalled.delete(res));
        return;
      }
      if (typeof rule === 'object' && 'fault' in rule) {
        if (rule.once) rules.set(op, 'pass');
        res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' }).end(faultXml(rule.fault));
        return;
      }
      const body = Buffer.concat(chunks);
      const up = http.request(
        {
          host: to.hostname,
          port: to.port,
          path: req.url,
          method: req.method,
          headers: {
            ...req.headers,
            host: to.host,
            'content-length': body.length,
            ...(typeof rule === 'object' ? { accept: 'text/xml' } : {}),
          },
        },
        (upRes) => {
          const parts: Buffer[] = [];
          upRes.on('data', (c: Buffer) => parts.push(c));
          upRes.on('end', () => {
            if (rule === 'drop-reply') {
              res.socket?.destroy();
              return;
            }
            if (typeof rule === 'object' && 'reply' in rule) {
              const xml = Buffer.from(rule.reply(Buffer.concat(parts).toString('utf8')), 'utf8');
              res
                .writeHead(upRes.statusCode ?? 502, {
                  'content-type': 'text/xml; charset=utf-8',
                  'content-length': xml.length,
                })
                .end(xml);
              return;
            }
            res.writeHead(upRes.statusCode ?? 502, upRes.headers).end(Buffer.concat(parts));
          });
        },
      );
      up.on('error', () => res.socket?.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    rule: (op, rule) => rules.set(op, rule),
    calls: (op) => counts.get(op) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of stalled) r.socket?.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
