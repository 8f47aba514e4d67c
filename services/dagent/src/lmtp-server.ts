/**
 * The LMTP listeners: smtp-server in LMTP mode with the dagent's hooks. LHLO advertises
 * PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8 and SIZE (and STARTTLS with a key and
 * certificate). lmtp_max_connections bounds the connections over all listeners.
 */
import { existsSync, lstatSync, readFileSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import type tls from 'node:tls';
import type { Listener } from '@kgc/config';
import { type Logger, libraryLogger } from '@kgc/log';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import { CLOSE_TIMEOUT_MS, IDLE_TIMEOUT_MS, MAX_COMMAND_LINE, MAX_RECIPIENTS } from './limits.js';
import type { LmtpHooks } from './lmtp-session.js';

/** A reply text that starts with its own enhanced status code (`5.1.4 ...`). */
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

/**
 * smtp-server derives the enhanced code from the basic one (550 → 5.1.1); the dagent's replies
 * carry their own (550 5.1.4 ambiguous, 250 2.1.5 delivered), so those are sent as they are.
 */
class LmtpConnection extends SMTPConnection {
  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    if (typeof data === 'string' && ENHANCED.test(data) && data[0] === String(code)[0]) {
      super.send(code, data, false);
      return;
    }
    super.send(code, data, context);
  }
}

class LmtpServer extends SMTPServer {
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new LmtpConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}

export interface LmtpListenOptions {
  listeners: readonly Listener[];
  hooks: LmtpHooks;
  hostname: string;
  maxConnections: number;
  maxMessageSize: number;
  tls?: { keyFile: string; certFile: string };
  log: Logger;
}

export interface LmtpListening {
  /** `host:port` or the socket path of each listener, in order (port 0 resolved). */
  addresses: Array<{ host: string; port: number } | { path: string }>;
  connections(): number;
  close(): Promise<void>;
}

/**
 * A unix socket left behind by a process that died (KGC's dagent after a crash, or ours after
 * SIGKILL) would make listen fail: removed when nothing answers on it; a live one is an error.
 */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`${path} is in use by a running process`);
  unlinkSync(path);
}

export async function listenLmtp(opts: LmtpListenOptions): Promise<LmtpListening> {
  const servers: LmtpServer[] = [];
  const connections = () => servers.reduce((n, s) => n + s.connections.size, 0);
  const tlsOptions = opts.tls ? { key: readFileSync(opts.tls.keyFile), cert: readFileSync(opts.tls.certFile) } : {};
  const options: SMTPServerOptions = {
    lmtp: true,
    name: opts.hostname,
    banner: 'KGC-TS dagent ready',
    size: opts.maxMessageSize,
    rejectOversized: true,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...tlsOptions,
    ...(opts.tls ? { minVersion: 'TLSv1.2' as const } : {}),
    disableReverseLookup: true,
    maxClients: opts.maxConnections,
    maxCommandLength: MAX_COMMAND_LINE,
    maxRecipients: MAX_RECIPIENTS,
    socketTimeout: IDLE_TIMEOUT_MS,
    closeTimeout: CLOSE_TIMEOUT_MS,
    logger: libraryLogger(opts.log),
    onConnect(session, callback) {
      // maxClients counts per listener; this bounds the sum.
      if (connections() > opts.maxConnections) {
        callback(Object.assign(new Error('4.3.2 Too many connections, try again later'), { responseCode: 421 }));
        return;
      }
      opts.log.debug({ cid: session.id, remote: session.remoteAddress }, 'LMTP connection');
      callback();
    },
    onRcptTo: (address, session, callback) => opts.hooks.onRcptTo(address, session, callback),
    onData: (stream, session, callback) => opts.hooks.onData(stream, session, callback),
  };
  const addresses: LmtpListening['addresses'] = [];
  try {
    for (const l of opts.listeners) {
      const server = new LmtpServer(options);
      server.on('error', (err: Error) => opts.log.warn({ err: err.message }, 'LMTP listener error'));
      servers.push(server);
      if ('path' in l) await removeStaleSocket(l.path);
      await new Promise<void>((resolve, reject) => {
        server.server.once('error', reject);
        const done = () => {
          server.server.off('error', reject);
          resolve();
        };
        if ('path' in l) server.listen(l.path, done);
        else server.listen(l.port, l.host === '*' ? undefined : l.host, done);
      });
      const a = server.server.address();
      addresses.push(
        'path' in l ? { path: l.path } : { host: l.host, port: typeof a === 'object' && a ? a.port : l.port },
      );
    }
  } catch (e) {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    throw new Error(`cannot listen for LMTP: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    addresses,
    connections,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}
