/** The LMTP delivery agent as a running service: listeners, server link, metrics endpoint. */
import { hostname as osHostname } from 'node:os';
import { ConfigError } from '@kgc/config';
import type { Logger } from '@kgc/log';
import { type HttpHandle, healthRouter, startHttp } from '@kgc/metrics';
import { ServerLink, serviceSecretOf } from '@kgc/soap';
import express from 'express';
import type { DagentConfig } from './config.js';
import { FolderCache } from './folders.js';
import { type LmtpListening, listenLmtp } from './lmtp-server.js';
import { createLmtpHooks } from './lmtp-session.js';
import { createDagentMetrics, type DagentMetrics } from './metrics.js';

export interface StartDagentOptions {
  config: DagentConfig;
  log: Logger;
  /** Collect the process metrics (off when another service in the process does). Default true. */
  processMetrics?: boolean;
}

export interface RunningDagent {
  /** Bound LMTP listeners (port 0 resolved). */
  lmtp: LmtpListening['addresses'];
  /** Port of the metrics listener, if any. */
  metricsPort: number | undefined;
  metrics: DagentMetrics;
  link: ServerLink;
  close(): Promise<void>;
}

export async function startDagent(opts: StartDagentOptions): Promise<RunningDagent> {
  const { config, log } = opts;
  try {
    serviceSecretOf(config);
  } catch (e) {
    throw new ConfigError({
      key: 'service_secret',
      source: 'configuration',
      message: e instanceof Error ? e.message : String(e),
    });
  }
  if (config.lmtp_listen.length === 0)
    throw new ConfigError({ key: 'lmtp_listen', source: 'configuration', message: 'no LMTP listener' });
  const tls =
    config.lmtp_ssl_key_file || config.lmtp_ssl_cert_file
      ? { keyFile: config.lmtp_ssl_key_file, certFile: config.lmtp_ssl_cert_file }
      : undefined;
  if (tls && (!tls.keyFile || !tls.certFile))
    throw new ConfigError({
      key: 'lmtp_ssl_key_file',
      source: 'configuration',
      message: 'STARTTLS needs both lmtp_ssl_key_file and lmtp_ssl_cert_file',
    });

  const link = ServerLink.fromConfig(config, log);
  const folders = new FolderCache(link);
  let lmtp: LmtpListening | undefined;
  const metrics = createDagentMetrics({
    defaultMetrics: opts.processMetrics !== false,
    connections: () => lmtp?.connections() ?? 0,
  });
  const hostname = config.lmtp_hostname || osHostname();
  const hooks = createLmtpHooks({
    link,
    folders,
    metrics,
    log,
    hostname,
    recipientDelimiter: config.recipient_delimiter,
    spamHeaderName: config.spam_header_name,
    spamHeaderValue: config.spam_header_value,
  });
  lmtp = await listenLmtp({
    listeners: config.lmtp_listen,
    hooks,
    hostname,
    maxConnections: config.lmtp_max_connections,
    maxMessageSize: config.lmtp_max_messagesize,
    ...(tls ? { tls } : {}),
    log,
  });
  const listening = lmtp;

  let http: HttpHandle | undefined;
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
        ready: () => link.ready(),
        onError: (err, path) => log.warn({ err, path }, 'health endpoint failed'),
      }),
    );
    try {
      http = await startHttp({
        host: metricsListener.host === '*' ? '0.0.0.0' : metricsListener.host,
        port: metricsListener.port,
        app,
      });
    } catch (e) {
      await listening.close();
      throw e;
    }
  }
  log.info(
    { lmtp: listening.addresses, metricsPort: http?.port, server: config.server_socket, tls: tls !== undefined },
    'dagent started',
  );
  return {
    lmtp: listening.addresses,
    metricsPort: http?.port,
    metrics,
    link,
    async close() {
      await Promise.all([listening.close(), http?.close()]);
      link.close();
      log.info('dagent stopped');
    },
  };
}
