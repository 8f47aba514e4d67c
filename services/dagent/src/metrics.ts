/** The dagent's Prometheus metrics (served on metrics_listen with /healthz and /readyz). */
import { createMetrics, type Metrics } from '@kgc/metrics';
import type { FailureKind } from './errors.js';

/** Per-recipient outcome label: `delivered` or the failure kind. */
export type DeliveryResult = 'delivered' | FailureKind;

export interface DagentMetrics {
  readonly metrics: Metrics;
  /** One per recipient (RCPT refusals included). */
  recipient(result: DeliveryResult): void;
  /** Bytes of DATA received (before the trace headers). */
  received(bytes: number): void;
  /** Time from the end of DATA to the replies. */
  latency(seconds: number): void;
}

export interface DagentMetricsOptions {
  /** Process metrics too (off when another service in the process reports them). */
  defaultMetrics: boolean;
  /** Open LMTP connections, read at scrape time. */
  connections(): number;
}

export function createDagentMetrics(opts: DagentMetricsOptions): DagentMetrics {
  const metrics = createMetrics('dagent', { defaultMetrics: opts.defaultMetrics });
  const deliveries = metrics.counter({
    name: 'dagent_deliveries_total',
    help: 'Recipients by result (delivered, unknown-user, over-quota, store-full, temporary, ...)',
    labelNames: ['result'],
  });
  const bytes = metrics.counter({ name: 'dagent_received_bytes_total', help: 'Message bytes received in DATA' });
  const seconds = metrics.histogram({
    name: 'dagent_delivery_seconds',
    help: 'From the end of DATA to the per-recipient replies',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  metrics.gauge({
    name: 'dagent_lmtp_connections',
    help: 'Open LMTP connections',
    collect() {
      this.set(opts.connections());
    },
  });
  return {
    metrics,
    recipient: (result) => deliveries.inc({ result }),
    received: (n) => bytes.inc(n),
    latency: (s) => seconds.observe(s),
  };
}
