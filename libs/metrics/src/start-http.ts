import { createServer, type RequestListener, type ServerResponse } from 'node:http';

export interface StartHttpOptions {
  readonly host: string;
  /** 0 picks a free port (see the returned `port`). */
  readonly port: number;
  /** An express app or any Node request listener. */
  readonly app: RequestListener;
}

export interface HttpHandle {
  /** The port actually bound. */
  readonly port: number;
  /**
   * Stops accepting connections, closes idle keep-alive sockets at once, lets in-flight requests
   * finish (answering them with `Connection: close`) and resolves when the last socket is gone.
   * Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

export function startHttp(options: StartHttpOptions): Promise<HttpHandle> {
  const server = createServer();
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;

  // Node's server.close() only drops sockets that are idle at that moment; a keep-alive socket
  // busy with a request would otherwise stay open after its response until the client gives up.
  server.on('request', (_req, res: ServerResponse) => {
    if (closing !== undefined) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (closing !== undefined) server.closeIdleConnections();
    });
  });
  server.on('request', options.app);

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err === undefined ? resolve() : reject(err)));
      server.closeIdleConnections();
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    });
    return closing;
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected server address ${String(address)}`));
        return;
      }
      resolve({ port: address.port, close });
    });
  });
}
