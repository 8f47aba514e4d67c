/**
 * The server: storage, users, sessions, the bus and the SOAP listeners, composed once. Used by
 * the standalone program (main.ts) and by the embedded suite (services/all-in-one) alike.
 */
import { readFileSync, statSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import type { Bus } from '@kgc/bus';
import type { Logger } from '@kgc/log';
import { createMetrics, healthRouter, type Metrics } from '@kgc/metrics';
import express from 'express';
import { SqlSessionManager } from './auth/session-manager.js';
import type { ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { ChangeNotifier } from './notifier.js';
import { operationTable } from './ops/index.js';
import { createDispatcher } from './soap/dispatcher.js';
import { type BoundListener, bindListeners } from './soap/listeners.js';
import type { StorageConfig } from './storage/config.js';
import { openStorage, type Storage } from './storage/storage.js';
import { DbUserPlugin } from './users/db-plugin.js';
import { UserDirectory } from './users/directory.js';
import { loadLdapConfig } from './users/ldap-cfg-file.js';
import { createLdapPlugin } from './users/ldap-plugin.js';
import type { UserPlugin } from './users/user-plugin.js';
import { WriteBatcher } from './write-batcher.js';

export interface StartServerOptions {
  config: ServerConfig;
  bus: Bus;
  log: Logger;
  metrics?: Metrics;
}

export interface RunningServer {
  /** server_socket URLs of the listeners, HTTP first. */
  urls: string[];
  storage: Storage;
  close(): Promise<void>;
}

const MB = 1024 * 1024;

export function storageConfigOf(cfg: ServerConfig, log?: Logger): StorageConfig {
  const base = {
    attachmentStorage: cfg.attachment_storage === 'database' ? ('database' as const) : ('files' as const),
    attachmentPath: cfg.attachment_path,
    attachmentInlineMax: cfg.attachment_inline_size,
    quotaDefaults: { warn: cfg.quota_warn * MB, soft: cfg.quota_soft * MB, hard: cfg.quota_hard * MB },
    onBackgroundError: (err: unknown, what: string) => log?.warn({ err }, `storage: ${what} failed`),
  };
  return cfg.database_engine === 'sqlite'
    ? { engine: 'sqlite', file: cfg.sqlite_path, ...base }
    : {
        engine: 'mysql',
        host: cfg.mysql_host,
        port: cfg.mysql_port,
        ...(cfg.mysql_socket ? { socketPath: cfg.mysql_socket } : {}),
        user: cfg.mysql_user,
        password: cfg.mysql_password,
        database: cfg.mysql_database,
        ...base,
      };
}

/** service_secret, or the contents of service_secret_file (which must not be readable by others). */
export function serviceSecretOf(cfg: ServerConfig): string {
  if (cfg.service_secret) return cfg.service_secret;
  if (!cfg.service_secret_file) return '';
  const st = statSync(cfg.service_secret_file);
  if ((st.mode & 0o077) !== 0)
    throw new Error(`${cfg.service_secret_file} must not be readable by group or others (chmod 600)`);
  return readFileSync(cfg.service_secret_file, 'utf8').trim();
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { config, bus, log } = opts;
  const metrics = opts.metrics ?? createMetrics('server');
  const storage = await openStorage(storageConfigOf(config, log));
  const plugin: UserPlugin =
    config.user_plugin === 'ldap'
      ? createLdapPlugin(loadLdapConfig(config.user_plugin_config))
      : new DbUserPlugin(storage, (err) => log.warn({ err }, 'password hash upgrade failed'));
  const notifier = new ChangeNotifier(bus);
  notifier.start();
  const batchSize = metrics.histogram({
    name: 'kgc_server_write_batch_messages',
    help: 'Messages per group-committed transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64],
  });
  const ctx: ServerContext = {
    config,
    storage,
    writes: new WriteBatcher(storage, (n) => batchSize.observe(n)),
    users: new UserDirectory(storage, plugin),
    sessions: new SqlSessionManager(storage, config.session_timeout),
    notifier,
    bus,
    log,
    serviceSecret: serviceSecretOf(config),
  };
  const calls = metrics.counter({
    name: 'kgc_soap_calls_total',
    help: 'SOAP calls by operation and result',
    labelNames: ['op', 'result'],
  });
  const latency = metrics.histogram({
    name: 'kgc_soap_call_seconds',
    help: 'SOAP call latency',
    labelNames: ['op'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
  });
  const dispatcher = await createDispatcher(operationTable, ctx, {
    maxRequestBytes: config.soap_max_request_size,
    hooks: {
      onResult(op, outcome, ms, error) {
        calls.inc({ op, result: outcome });
        latency.observe({ op }, ms / 1000);
        if (outcome === 'KCERR_UNKNOWN' || outcome === 'KCERR_DATABASE_ERROR')
          log.error({ err: error, op }, 'operation failed');
        else if (outcome !== 'ok') log.debug({ op, code: outcome }, 'operation refused');
      },
    },
  });
  let closing = false;
  const app = express();
  app.disable('x-powered-by');
  app.use(
    healthRouter({
      registry: metrics.registry,
      ready: async () =>
        !closing &&
        (await storage.users.listUsers({ limit: 1 }).then(
          () => true,
          () => false,
        )),
    }),
  );
  app.use((req, res) => dispatcher.handle(req, res));
  // SOAP calls (POST) go straight to the dispatcher; express serves the rest (health, metrics,
  // the WSDL): its routing would cost every call a few percent of the server's time.
  const handler: RequestListener = (req, res) => {
    if (req.method === 'POST') dispatcher.handle(req, res);
    else app(req, res);
  };
  const bound: BoundListener[] = [];
  try {
    bound.push(...(await bindListeners(config.server_listen, handler)));
    if (config.server_listen_tls.length > 0) {
      bound.push(
        ...(await bindListeners(config.server_listen_tls, handler, {
          keyFile: config.server_ssl_key_file,
          certFile: config.server_ssl_cert_file,
          ...(config.server_ssl_ca_file ? { caFile: config.server_ssl_ca_file } : {}),
        })),
      );
    }
  } catch (e) {
    await Promise.all(bound.map((b) => b.close()));
    await notifier.stop();
    await storage.close();
    throw e;
  }
  const purge = setInterval(() => {
    storage.sessions.purgeExpiredSessions().catch((err: unknown) => log.warn({ err }, 'session purge failed'));
  }, 60_000);
  purge.unref();
  // The change journal: entries older than journal_retention go, checked a few times per retention
  // period (at most hourly). Replicas may all do it: the delete is idempotent.
  const retention = config.journal_retention;
  const prune =
    retention > 0
      ? setInterval(
          () => {
            storage.journal
              .pruneJournal(Date.now() - retention)
              .then((n) => {
                if (n > 0) log.info({ entries: n }, 'change journal pruned');
              })
              .catch((err: unknown) => log.warn({ err }, 'journal prune failed'));
          },
          Math.min(3_600_000, Math.max(1000, Math.floor(retention / 4))),
        )
      : undefined;
  prune?.unref();
  log.info({ urls: bound.map((b) => b.url), engine: config.database_engine, plugin: plugin.name }, 'server started');
  return {
    urls: bound.map((b) => b.url),
    storage,
    async close() {
      closing = true;
      clearInterval(purge);
      if (prune) clearInterval(prune);
      await notifier.stop();
      await Promise.all(bound.map((b) => b.close()));
      await plugin.close();
      await storage.close();
      log.info('server stopped');
    },
  };
}
