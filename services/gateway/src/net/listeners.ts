/**
 * TCP (or unix-socket) listeners for one protocol, plain or implicit TLS, with one connection
 * count shared by every listener of the gateway.
 */
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Listener } from '@kgc/config';

export type Address = { host: string; port: number } | { path: string };

export interface ListenOptions {
  listeners: readonly Listener[];
  /** Implicit TLS with this key and certificate (imaps/pop3s). */
  tls?: { key: Buffer; cert: Buffer };
  onConnection(socket: net.Socket, secure: boolean): void;
}

export interface Listening {
  addresses: Address[];
  close(): Promise<void>;
}

function bindHost(host: string): string | undefined {
  return host === '*' ? undefined : host;
}

export async function listen(opts: ListenOptions): Promise<Listening> {
  const servers: net.Server[] = [];
  const addresses: Address[] = [];
  const close = () =>
    Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
  try {
    for (const l of opts.listeners) {
      const material = opts.tls;
      const server = material
        ? tls.createServer({ key: material.key, cert: material.cert, minVersion: 'TLSv1.2' }, (s) =>
            opts.onConnection(s, true),
          )
        : net.createServer((s) => opts.onConnection(s, false));
      // A client that fails the handshake must not take the process down.
      server.on('tlsClientError', () => undefined);
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        if ('path' in l) {
          if (existsSync(l.path) && lstatSync(l.path).isSocket()) unlinkSync(l.path);
          server.listen(l.path, () => resolve());
        } else server.listen({ host: bindHost(l.host), port: l.port }, () => resolve());
      });
      const a = server.address();
      if (typeof a === 'string') addresses.push({ path: a });
      else if (a) addresses.push({ host: a.address, port: a.port });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { addresses, close };
}

export function formatAddress(a: Address): string {
  return 'path' in a ? `unix:${a.path}` : `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}
