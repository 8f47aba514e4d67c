/** The spooler's Prometheus metrics (served on metrics_listen with /healthz and /readyz). */
import { createMetrics, type Metrics } from '@kgc/metrics';

/** How handling one queue entry ended. */
export type SendResult =
  /** The relay accepted it for every recipient (or the rest got an NDR). */
  | 'sent'
  /** Temporary failure: back in the queue for a later attempt. */
  | 'deferred'
  /** Permanent failure: NDR to the sender, out of the queue. */
  | 'failed'
  /** Refused by the spooler (send-as, no recipients): NDR, out of the queue. */
  | 'refused'
  /** Deleted or in Deleted Items meanwhile: out of the queue, not sent. */
  | 'dropped'
  /** The lease was lost (another spooler took the entry after this one stalled). */
  | 'lease-lost';

export type SubmissionResult = 'accepted' | 'auth-failed' | 'refused-sender' | 'too-big' | 'over-quota' | 'temporary';

export interface SpoolerMetrics {
  readonly metrics: Metrics;
  message(result: SendResult): void;
  /** Recipients the relay took / refused. */
  recipients(result: 'accepted' | 'temporary' | 'permanent', n: number): void;
  /** From claim to the relay's reply. */
  sendLatency(seconds: number): void;
  submission(result: SubmissionResult): void;
}

export interface SpoolerMetricsOptions {
  defaultMetrics: boolean;
  inFlight(): number;
  /** Queue entries at the server (all spoolers), read at scrape time; null when unknown. */
  queueDepth(): Promise<number | null>;
  submissionConnections(): number;
}

export function createSpoolerMetrics(opts: SpoolerMetricsOptions): SpoolerMetrics {
  const metrics = createMetrics('spooler', { defaultMetrics: opts.defaultMetrics });
  const messages = metrics.counter({
    name: 'spooler_messages_total',
    help: 'Queue entries handled, by result (sent, deferred, failed, refused, dropped, lease-lost)',
    labelNames: ['result'],
  });
  const rcpts = metrics.counter({
    name: 'spooler_recipients_total',
    help: 'Recipients by the relay outcome (accepted, temporary, permanent)',
    labelNames: ['result'],
  });
  const seconds = metrics.histogram({
    name: 'spooler_send_seconds',
    help: 'From claiming a queue entry to the relay accepting it',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  const submissions = metrics.counter({
    name: 'spooler_submissions_total',
    help: 'SMTP submission transactions by result',
    labelNames: ['result'],
  });
  metrics.gauge({
    name: 'spooler_in_flight',
    help: 'Messages this spooler is sending now',
    collect() {
      this.set(opts.inFlight());
    },
  });
  metrics.gauge({
    name: 'spooler_submission_connections',
    help: 'Open SMTP submission connections',
    collect() {
      this.set(opts.submissionConnections());
    },
  });
  metrics.gauge({
    name: 'spooler_queue_depth',
    help: 'Entries in the outgoing queue (every spooler), -1 when the server did not answer',
    async collect() {
      this.set((await opts.queueDepth()) ?? -1);
    },
  });
  return {
    metrics,
    message: (result) => messages.inc({ result }),
    recipients: (result, n) => {
      if (n > 0) rcpts.inc({ result }, n);
    },
    sendLatency: (s) => seconds.observe(s),
    submission: (result) => submissions.inc({ result }),
  };
}
