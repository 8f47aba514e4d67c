/**
 * The embedded suite: every service in one process on SQLite under the data dir, with the
 * in-process bus. The services are the same modules the standalone programs start; only the
 * defaults differ (unprivileged ports on 127.0.0.1, see the design doc).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createMemoryBus } from '@kgc/bus';
import { loadConfig } from '@kgc/config';
import { dagentConfig, type RunningDagent, startDagent } from '@kgc/dagent';
import { gatewayConfig, type RunningGateway, startGateway } from '@kgc/gateway';
import { createLogger, type Logger } from '@kgc/log';
import { type RunningServer, serverConfig, startServer } from '@kgc/server';
import { type RunningSpooler, spoolerConfig, startSpooler } from '@kgc/spooler';

export interface EmbeddedOptions {
  dataDir: string;
  /** Environment (KGC_<KEY> overrides); default process.env. */
  env?: Record<string, string | undefined>;
  /** server.cfg to read, if any. */
  serverCfg?: string;
  log?: Logger;
}

export interface EmbeddedSuite {
  dataDir: string;
  server: RunningServer;
  dagent: RunningDagent;
  gateway: RunningGateway;
  spooler: RunningSpooler;
  secretFile: string;
  close(): Promise<void>;
}

/** The unprivileged embedded ports of the design doc. */
export const EMBEDDED_DEFAULTS: Record<string, string> = {
  KGC_SERVER_LISTEN: '127.0.0.1:8236',
  KGC_LMTP_LISTEN: '127.0.0.1:2003',
  KGC_METRICS_LISTEN: '127.0.0.1:2004',
  KGC_IMAP_LISTEN: '127.0.0.1:1143',
  KGC_POP3_LISTEN: '127.0.0.1:1110',
  KGC_DATABASE_ENGINE: 'sqlite',
  KGC_ATTACHMENT_STORAGE: 'files',
};

/** data/admin.secret: the local admin secret kgc-admin reads (as KGC trusts root on its socket). */
export function ensureSecret(file: string): void {
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) throw new Error(`${file} must be mode 0600`);
    return;
  }
  writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
}

/**
 * The gateway's settings in the shared environment: its own metrics port unless one is given
 * (`KGC_GATEWAY_METRICS_LISTEN`, or port 0 as the tests use), and imaps/pop3s on the design
 * doc's ports when a key and certificate are configured.
 */
export function gatewayEnv(
  env: Record<string, string | undefined>,
  serverUrl: string,
): Record<string, string | undefined> {
  const tls = Boolean(env.KGC_SSL_PRIVATE_KEY_FILE && env.KGC_SSL_CERTIFICATE_FILE);
  const metrics = env.KGC_METRICS_LISTEN?.endsWith(':0') ? env.KGC_METRICS_LISTEN : '127.0.0.1:1144';
  return {
    ...(tls ? { KGC_IMAPS_LISTEN: '127.0.0.1:1993', KGC_POP3S_LISTEN: '127.0.0.1:1995' } : {}),
    ...env,
    KGC_SERVER_SOCKET: serverUrl,
    KGC_METRICS_LISTEN: env.KGC_GATEWAY_METRICS_LISTEN ?? metrics,
  };
}

/**
 * The spooler's settings in the shared environment: SMTP submission on 127.0.0.1:1587 with AUTH
 * allowed without STARTTLS (loopback only), its own metrics port unless one is given
 * (`KGC_SPOOLER_METRICS_LISTEN`, or port 0 as the tests use); it relays to smtp_server as KGC does.
 */
export function spoolerEnv(
  env: Record<string, string | undefined>,
  serverUrl: string,
): Record<string, string | undefined> {
  const metrics = env.KGC_METRICS_LISTEN?.endsWith(':0') ? env.KGC_METRICS_LISTEN : '127.0.0.1:2005';
  return {
    KGC_SUBMISSION_LISTEN: '127.0.0.1:1587',
    KGC_DISABLE_PLAINTEXT_AUTH: 'no',
    ...env,
    KGC_SERVER_SOCKET: serverUrl,
    KGC_METRICS_LISTEN: env.KGC_SPOOLER_METRICS_LISTEN ?? metrics,
  };
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedSuite> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(join(dataDir, 'attachments'), { recursive: true, mode: 0o700 });
  const secretFile = join(dataDir, 'admin.secret');
  ensureSecret(secretFile);
  const env = {
    ...EMBEDDED_DEFAULTS,
    KGC_SQLITE_PATH: join(dataDir, 'kgc.db'),
    KGC_ATTACHMENT_PATH: join(dataDir, 'attachments'),
    KGC_SERVICE_SECRET_FILE: secretFile,
    ...(opts.env ?? process.env),
  };
  const config = loadConfig(serverConfig, { env, ...(opts.serverCfg ? { file: opts.serverCfg, required: true } : {}) });
  const log = opts.log ?? createLogger({ service: 'all-in-one', level: config.log_level });
  const bus = createMemoryBus();
  const server = await startServer({ config, bus, log: log.child({ component: 'server' }) });
  let dagent: RunningDagent;
  try {
    // The dagent is a SOAP client of the server like any other, over loopback.
    const dagentConf = loadConfig(dagentConfig, { env: { ...env, KGC_SERVER_SOCKET: server.urls[0] ?? '' } });
    dagent = await startDagent({ config: dagentConf, log: log.child({ component: 'dagent' }), processMetrics: false });
  } catch (e) {
    await server.close();
    await bus.close();
    throw e;
  }
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      config: loadConfig(gatewayConfig, { env: gatewayEnv(env, server.urls[0] ?? '') }),
      log: log.child({ component: 'gateway' }),
      bus,
      processMetrics: false,
    });
  } catch (e) {
    await dagent.close();
    await server.close();
    await bus.close();
    throw e;
  }
  let spooler: RunningSpooler;
  try {
    spooler = await startSpooler({
      config: loadConfig(spoolerConfig, { env: spoolerEnv(env, server.urls[0] ?? '') }),
      log: log.child({ component: 'spooler' }),
      bus,
      processMetrics: false,
    });
  } catch (e) {
    await gateway.close();
    await dagent.close();
    await server.close();
    await bus.close();
    throw e;
  }
  return {
    dataDir,
    server,
    dagent,
    gateway,
    spooler,
    secretFile,
    async close() {
      await spooler.close();
      await gateway.close();
      await dagent.close();
      await server.close();
      await bus.close();
    },
  };
}
