/** The gateway's Prometheus metrics (served on metrics_listen with /healthz and /readyz). */
import { createMetrics, type Metrics } from '@kgc/metrics';

export type Protocol = 'imap' | 'pop3';

export interface GatewayMetrics {
  readonly metrics: Metrics;
  connection(protocol: Protocol): void;
  login(protocol: Protocol, result: 'ok' | 'failed' | 'disabled' | 'error'): void;
}

export function createGatewayMetrics(opts: {
  defaultMetrics: boolean;
  open: () => Record<Protocol, number>;
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
  return {
    metrics,
    connection: (protocol) => connections.inc({ protocol }),
    login: (protocol, result) => logins.inc({ protocol, result }),
  };
}
