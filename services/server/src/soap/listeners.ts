/**
 * The server's HTTP and HTTPS listeners (server_listen, server_listen_tls). SOAP on every path but
 * the health and metrics endpoints, which every KGC-TS service serves.
 */
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Listener } from '@kgc/config';
import { KcError } from '@kgc/soap';

export interface TlsFiles {
  keyFile: string;
  certFile: string;
  caFile?: string;
}

export interface BoundListener {
  /** The URL clients use (server_socket). */
  url: string;
  close(): Promise<void>;
}

function hostOf(l: { host: string }): string | undefined {
  return l.host === '*' ? undefined : l.host;
}

export async function bindListeners(
  listeners: readonly Listener[],
  handler: RequestListener,
  tls?: TlsFiles,
): Promise<BoundListener[]> {
  const out: BoundListener[] = [];
  try {
    for (const l of listeners) {
      const server = tls
        ? https.createServer(
            {
              key: readFileSync(tls.keyFile),
              cert: readFileSync(tls.certFile),
              ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
              minVersion: 'TLSv1.2',
            },
            handler,
          )
        : http.createServer(handler);
      // Long polls wait up to 60 s; keep idle keep-alive sockets a little longer than clients do.
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 70_000;
      server.requestTimeout = 0;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        if ('path' in l) server.listen(l.path, resolve);
        else server.listen(l.port, hostOf(l), resolve);
      });
      const addr = server.address();
      const scheme = tls ? 'https' : 'http';
      const url =
        'path' in l
          ? `file://${l.path}`
          : (() => {
              const a = addr as AddressInfo;
              const host = !hostOf(l) ? '127.0.0.1' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
              return `${scheme}://${host}:${a.port}/`;
            })();
      out.push({
        url,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      });
    }
  } catch (e) {
    await Promise.all(out.map((b) => b.close()));
    throw new KcError('KCERR_NETWORK_ERROR', `cannot listen: ${(e as Error).message}`);
  }
  return out;
}
