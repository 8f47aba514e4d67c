/** The gateway as a running service: IMAP/POP3 listeners (plain and TLS), server link, metrics. */
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';
import type { Bus } from '@kgc/bus';
import { ConfigError } from '@kgc/config';
import type { Logger } from '@kgc/log';
import { type HttpHandle, healthRouter, startHttp } from '@kgc/metrics';
import { KcError, SoapClient } from '@kgc/soap';
import express from 'express';
import type { GatewayConfig } from './config.js';
import { AnswerCache } from './imap/answer-cache.js';
import { ImapSession } from './imap/session.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { createGatewayMetrics, type GatewayMetrics, type Protocol } from './metrics.js';
import { Connection } from './net/connection.js';
import { type Address, type Listening, listen } from './net/listeners.js';
import { Pop3Session } from './pop3/session.js';
import { BodyCache } from './store/body-cache.js';
import { busWatcher, type ChangeWatcher } from './store/change-watcher.js';
import { FolderCaches } from './store/folder-cache.js';
import { HeaderCache } from './store/header-cache.js';
import { SoapMailStoreProvider } from './store/soap-store.js';
import { type MailStoreProvider, StoreError } from './store/types.js';

export interface StartGatewayOptions {
  config: GatewayConfig;
  log: Logger;
  /** Change notices (IDLE); default: none, sessions long-poll the server. */
  bus?: Bus;
  /** Collect the process metrics (off when another service in the process does). Default true. */
  processMetrics?: boolean;
  /** Tests shrink the timers. */
  limits?: Partial<Limits>;
  /** Tests may inject a store. Default: the SOAP store on server_socket. */
  provider?: MailStoreProvider;
}

export interface RunningGateway {
  imap: Address[];
  imaps: Address[];
  pop3: Address[];
  pop3s: Address[];
  metricsPort: number | undefined;
  metrics: GatewayMetrics;
  caches: FolderCaches;
  close(): Promise<void>;
}

interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  context: tls.SecureContext;
}

function tlsMaterial(config: GatewayConfig): TlsMaterial | undefined {
  const { ssl_private_key_file: keyFile, ssl_certificate_file: certFile } = config;
  if (!keyFile && !certFile) return undefined;
  if (!keyFile || !certFile)
    throw new ConfigError({
      key: keyFile ? 'ssl_certificate_file' : 'ssl_private_key_file',
      source: 'configuration',
      message: 'TLS needs both ssl_private_key_file and ssl_certificate_file',
    });
  const key = readFileSync(keyFile);
  const cert = readFileSync(certFile);
  return { key, cert, context: tls.createSecureContext({ key, cert, minVersion: 'TLSv1.2' }) };
}

/** Counts logins by result; the sessions see the plain provider interface. */
function countingProvider(inner: MailStoreProvider, metrics: GatewayMetrics): MailStoreProvider {
  return {
    async logon(username, password, feature) {
      try {
        const store = await inner.logon(username, password, feature);
        metrics.login(feature, 'ok');
        return store;
      } catch (e) {
        const kind = e instanceof StoreError ? e.kind : 'unavailable';
        metrics.login(feature, kind === 'auth' ? 'failed' : kind === 'feature' ? 'disabled' : 'error');
        throw e;
      }
    },
    close: () => inner.close(),
  };
}

export async function startGateway(opts: StartGatewayOptions): Promise<RunningGateway> {
  const { config, log } = opts;
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const material = tlsMaterial(config);
  const context = material?.context;
  for (const key of ['imaps_listen', 'pop3s_listen'] as const) {
    if (config[key].length > 0 && !context)
      throw new ConfigError({
        key,
        source: 'configuration',
        message: `${key} needs ssl_private_key_file and ssl_certificate_file`,
      });
  }

  const open: Record<Protocol, number> = { imap: 0, pop3: 0 };
  const connections = new Set<Connection>();
  const metrics = createGatewayMetrics({
    defaultMetrics: opts.processMetrics !== false,
    open: () => ({ ...open }),
    queues: () => {
      let waiting = 0;
      let queuedBytes = 0;
      for (const c of connections) {
        if (c.waitingForClient) waiting++;
        queuedBytes += c.queuedBytes;
      }
      return { waiting, queuedBytes };
    },
  });
  const caches = new FolderCaches();
  const answers = new AnswerCache();
  const watcher: ChangeWatcher | undefined = opts.bus ? busWatcher(opts.bus, log) : undefined;
  const client = new SoapClient({ url: config.server_socket, timeoutMs: config.server_timeout });
  const provider = countingProvider(
    opts.provider ??
      new SoapMailStoreProvider({
        client,
        pollClient: new SoapClient({ url: config.server_socket, maxSockets: 100_000 }),
        caches,
        bodies: new BodyCache(),
        headers: new HeaderCache(),
        watcher,
        server: { searchSubjects: true, searchBodies: true },
        log,
      }),
    metrics,
  );
  const greetingName = config.server_hostname ? `${config.server_hostname} ` : '';

  const accept = (protocol: Protocol) => (socket: net.Socket, secure: boolean) => {
    const conn = new Connection(socket, {
      log: log.child({ protocol }),
      secure,
      tls: context,
      writeChunk: limits.writeChunk,
      onWriteWait: metrics.writeWait,
    });
    if (connections.size >= config.max_connections) {
      conn.log.warn('too many connections');
      void conn.end(
        protocol === 'pop3'
          ? '-ERR [SYS/TEMP] Too many connections, try again later.\r\n'
          : '* BYE Too many connections, try again later.\r\n',
      );
      return;
    }
    connections.add(conn);
    open[protocol]++;
    metrics.connection(protocol);
    conn.onClose(() => {
      connections.delete(conn);
      open[protocol]--;
    });
    conn.log.debug({ secure }, 'connection');
    if (protocol === 'imap') {
      const session = new ImapSession(conn, {
        provider,
        answers,
        limits,
        settings: {
          onlyMailFolders: config.imap_only_mailfolders,
          idle: config.imap_capability_idle,
          disablePlaintextAuth: config.disable_plaintext_auth,
          maxMessageSize: config.imap_max_messagesize,
          maxFailCommands: config.imap_max_fail_commands,
        },
        greeting: `${greetingName}KGC-TS IMAP gateway ready.`,
      });
      void session.start();
      return;
    }
    const session = new Pop3Session(conn, {
      provider,
      limits,
      disablePlaintextAuth: config.disable_plaintext_auth,
      greeting: `${greetingName}KGC-TS POP3 gateway ready.`,
    });
    void session.start();
  };

  const listening: Listening[] = [];
  const start = async (listeners: GatewayConfig['imap_listen'], protocol: Protocol, secure: boolean) => {
    if (listeners.length === 0) return [];
    const l = await listen({
      listeners,
      ...(secure && material ? { tls: material } : {}),
      onConnection: accept(protocol),
    });
    listening.push(l);
    return l.addresses;
  };

  // /readyz: the server answers (a refused empty logon is an answer), probed at most every 2 s.
  let lastProbe = { at: 0, ok: false };
  const serverReady = async () => {
    if (Date.now() - lastProbe.at < 2000) return lastProbe.ok;
    let ok = true;
    try {
      await client.call('logon', { username: '', password: '' });
    } catch (e) {
      ok = !(e instanceof KcError) || (e.code !== 'KCERR_NETWORK_ERROR' && e.code !== 'KCERR_DATABASE_ERROR');
    }
    lastProbe = { at: Date.now(), ok };
    return ok;
  };

  let http: HttpHandle | undefined;
  const closeAll = async () => {
    // Listeners close once their connections are gone: cut those first.
    const closing = Promise.all(listening.map((l) => l.close()));
    for (const c of connections) c.destroy();
    await closing;
    await http?.close();
    await watcher?.close();
    provider.close();
    client.close();
  };
  try {
    const pop3 = await start(config.pop3_listen, 'pop3', false);
    const pop3s = await start(config.pop3s_listen, 'pop3', true);
    const imap = await start(config.imap_listen, 'imap', false);
    const imaps = await start(config.imaps_listen, 'imap', true);
    const metricsListener = config.metrics_listen[0];
    if (metricsListener) {
      if ('path' in metricsListener)
        throw new ConfigError({
          key: 'metrics_listen',
          source: 'configuration',
          message: 'metrics_listen must be host:port',
        });
      const app = express();
      app.use(
        healthRouter({
          registry: metrics.metrics.registry,
          ready: () => serverReady(),
          onError: (err, path) => log.warn({ err, path }, 'health endpoint failed'),
        }),
      );
      http = await startHttp({
        host: metricsListener.host === '*' ? '0.0.0.0' : metricsListener.host,
        port: metricsListener.port,
        app,
      });
    }
    log.info({ imap, imaps, pop3, pop3s, metricsPort: http?.port, server: config.server_socket }, 'gateway started');
    return {
      imap,
      imaps,
      pop3,
      pop3s,
      metricsPort: http?.port,
      metrics,
      caches,
      async close() {
        await closeAll();
        log.info('gateway stopped');
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
