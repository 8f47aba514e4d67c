/** The spooler as a running service: the queue loop, the relay, the bus wake-ups, the submission listener, metrics. */
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { type Bus, createNatsBus, type Subscription } from '@kgc/bus';
import { ConfigError } from '@kgc/config';
import type { Logger } from '@kgc/log';
import { type HttpHandle, healthRouter, startHttp } from '@kgc/metrics';
import { ServerLink, serviceSecretOf } from '@kgc/soap';
import express from 'express';
import type { SpoolerConfig } from './config.js';
import { Directory } from './directory.js';
import { Finisher } from './finisher.js';
import { createSpoolerMetrics, type SpoolerMetrics } from './metrics.js';
import { processEntry } from './process-message.js';
import { createRelay } from './relay.js';
import { SpoolLoop } from './spool-loop.js';
import { listenSubmission, type SubmissionListening } from './submission/submission-server.js';

export interface StartSpoolerOptions {
  config: SpoolerConfig;
  log: Logger;
  /** The bus to take wake-ups from (embedded: the in-process one); default: NATS at nats_url, if set. */
  bus?: Bus;
  /** Collect the process metrics (off when another service in the process does). Default true. */
  processMetrics?: boolean;
}

export interface RunningSpooler {
  /** This spooler's lease owner name. */
  owner: string;
  metricsPort: number | undefined;
  /** Bound submission listeners (port 0 resolved). */
  submission: SubmissionListening['addresses'];
  metrics: SpoolerMetrics;
  link: ServerLink;
  /** Look at the queue now (tests; the bus does this in service). */
  wake(): void;
  close(): Promise<void>;
}

function configError(key: string, message: string): ConfigError {
  return new ConfigError({ key, source: 'configuration', message });
}

export async function startSpooler(opts: StartSpoolerOptions): Promise<RunningSpooler> {
  const { config, log } = opts;
  try {
    serviceSecretOf(config);
  } catch (e) {
    throw configError('service_secret', e instanceof Error ? e.message : String(e));
  }
  if (config.smtp_password && config.smtp_password_file)
    throw configError('smtp_password', 'set smtp_password or smtp_password_file, not both');
  if ((config.smtp_password || config.smtp_password_file) && !config.smtp_username)
    throw configError('smtp_username', 'smtp_password needs smtp_username');
  if (Boolean(config.submission_ssl_key_file) !== Boolean(config.submission_ssl_cert_file))
    throw configError(
      'submission_ssl_key_file',
      'STARTTLS needs both submission_ssl_key_file and submission_ssl_cert_file',
    );
  if (
    config.submission_listen.length > 0 &&
    config.disable_plaintext_auth &&
    !(config.submission_ssl_key_file && config.submission_ssl_cert_file)
  )
    throw configError(
      'disable_plaintext_auth',
      'submission without STARTTLS (submission_ssl_key_file, submission_ssl_cert_file) could never authenticate: set them, or disable_plaintext_auth = no',
    );
  if (config.submission_listen.some((l) => 'path' in l))
    throw configError('submission_listen', 'submission_listen takes host:port listeners');
  const metricsListener = config.metrics_listen[0];
  if (metricsListener && 'path' in metricsListener)
    throw configError('metrics_listen', 'metrics_listen must be host:port');

  const hostname = config.smtp_helo_name || osHostname();
  const owner = `${hostname}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const link = ServerLink.fromConfig(config, log);
  const directory = new Directory(link);
  const relay = createRelay(config, hostname);
  const finisher = new Finisher(link, owner);
  let loop: SpoolLoop | undefined;
  let submission: SubmissionListening | undefined;
  const metrics = createSpoolerMetrics({
    defaultMetrics: opts.processMetrics !== false,
    inFlight: () => loop?.busy ?? 0,
    submissionConnections: () => submission?.connections() ?? 0,
    queueDepth: async () => {
      try {
        return (await link.call('getQueueStatus', {})).entries;
      } catch {
        return null;
      }
    },
  });
  const spool = new SpoolLoop({
    link,
    owner,
    maxThreads: config.max_threads,
    leaseMs: config.queue_lease_time,
    rescanMs: config.queue_rescan_interval,
    errorRetryMs: Math.max(1000, config.retry_delay),
    metrics,
    log,
    process: (entry) =>
      processEntry(
        {
          link,
          finisher,
          directory,
          relay,
          owner,
          hostname,
          retry: { delayMs: config.retry_delay, maxDelayMs: config.retry_max_delay, giveUpMs: config.retry_give_up },
          metrics,
          log,
        },
        entry,
      ),
  });
  loop = spool;

  const cleanups: Array<() => Promise<void> | void> = [() => relay.close(), () => link.close()];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    let bus = opts.bus;
    if (!bus && config.nats_url) {
      const natsBus = await createNatsBus({
        url: config.nats_url,
        name: `kgc-spooler@${hostname}`,
        logger: log,
        streamPrefix: config.nats_stream_prefix,
        ...(config.nats_subject_prefix ? { subjectPrefix: config.nats_subject_prefix } : {}),
      });
      cleanups.push(() => natsBus.close());
      bus = natsBus;
    }
    if (bus) {
      const sub: Subscription = await bus.consume('kgc.mail.submitted', {
        durable: 'kgc-spooler',
        handler: () => spool.wake(),
      });
      cleanups.push(() => sub.unsubscribe());
    } else {
      log.warn('no bus (nats_url is empty): the queue is read every queue_rescan_interval only');
    }
    if (config.submission_listen.length > 0) {
      submission = await listenSubmission({ config, link, directory, metrics, log, hostname });
      const s = submission;
      cleanups.push(() => s.close());
    }
    let http: HttpHandle | undefined;
    if (metricsListener && !('path' in metricsListener)) {
      const app = express();
      app.use(
        healthRouter({
          registry: metrics.metrics.registry,
          ready: () => link.ready(),
          onError: (err, path) => log.warn({ err, path }, 'health endpoint failed'),
        }),
      );
      http = await startHttp({
        host: metricsListener.host === '*' ? '0.0.0.0' : metricsListener.host,
        port: metricsListener.port,
        app,
      });
      const h = http;
      cleanups.push(() => h.close());
    }
    spool.start();
    log.info(
      {
        owner,
        relay: relay.name,
        maxThreads: config.max_threads,
        submission: submission?.addresses,
        metricsPort: http?.port,
        server: config.server_socket,
        bus: bus ? 'yes' : 'no',
      },
      'spooler started',
    );
    return {
      owner,
      metricsPort: http?.port,
      submission: submission?.addresses ?? [],
      metrics,
      link,
      wake: () => spool.wake(),
      async close() {
        // Stop claiming and let the sends in flight finish, then close the listener, bus and relay.
        await spool.stop();
        await cleanup();
        log.info('spooler stopped');
      },
    };
  } catch (e) {
    await spool.stop();
    await cleanup();
    throw e;
  }
}
