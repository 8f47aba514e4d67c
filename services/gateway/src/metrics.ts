/** The gateway's Prometheus metrics (served on metrics_listen with /healthz and /readyz). */
import { createMetrics, type Metrics } from '@kgc/metrics';

export type Protocol = 'imap' | 'pop3';

export interface GatewayMetrics {
  readonly metrics: Metrics;
  connection(protocol: Protocol): void;
  login(protocol: Protocol, result: 'ok' | 'failed' | 'disabled' | 'error'): void;
  /** A write waited for a slow client: the bytes then queued in the process for it. */
  writeWait(queuedBytes: number): void;
}

/** What the open connections hold for their clients right now. */
export interface WriteQueues {
  /** Connections whose writes wait for the client to read. */
  waiting: number;
  /** Bytes written by the sessions and not yet taken by the kernel, summed. */
  queuedBytes: number;
}

export function createGatewayMetrics(opts: {
  defaultMetrics: boolean;
  open: () => Record<Protocol, number>;
  queues: () => WriteQueues;
}): GatewayMetrics {
  const metrics = createMetrics('gateway', { defaultMetrics: opts.defaultMetrics });
  const connections = metrics.counter({
    name: 'gateway_connections_total',
    help: 'Accepted connections by protocol',
    labelNames: ['protocol'],
  });
  const logins = metrics.counter({
    name: 'gateway_logins_total',
    help: 'Login attempts by protocol and result (ok, failed, disabled, error)',
    labelNames: ['protocol', 'result'],
  });
  metrics.gauge({
    name: 'gateway_open_connections',
    help: 'Open connections by protocol',
    labelNames: ['protocol'],
    collect() {
      const open = opts.open();
      this.set({ protocol: 'imap' }, open.imap);
      this.set({ protocol: 'pop3' }, open.pop3);
    },
  });
  const writeWaits = metrics.counter({
    name: 'gateway_write_waits_total',
    help: 'Writes that waited for a slow client to read (back-pressure)',
  });
  const waitQueue = metrics.histogram({
    name: 'gateway_write_wait_queued_bytes',
    help: 'Bytes queued in the gateway for a client when a write had to wait for it',
    buckets: [16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864],
  });
  metrics.gauge({
    name: 'gateway_write_waiting_connections',
    help: 'Connections whose writes wait for the client to read',
    collect() {
      this.set(opts.queues().waiting);
    },
  });
  metrics.gauge({
    name: 'gateway_write_queued_bytes',
    help: 'Bytes queued in the gateway for its clients (not yet taken by the kernel)',
    collect() {
      this.set(opts.queues().queuedBytes);
    },
  });
  return {
    metrics,
    connection: (protocol) => connections.inc({ protocol }),
    login: (protocol, result) => logins.inc({ protocol, result }),
    writeWait: (queuedBytes) => {
      writeWaits.inc();
      waitQueue.observe(queuedBytes);
    },
  };
}
