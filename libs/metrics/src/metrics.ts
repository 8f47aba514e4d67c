import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';

export interface Metrics {
  /** This service's registry (not prom-client's global one); serve it with healthRouter. */
  readonly registry: Registry;
  counter<T extends string = string>(options: Omit<CounterConfiguration<T>, 'registers'>): Counter<T>;
  gauge<T extends string = string>(options: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T>;
  histogram<T extends string = string>(options: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T>;
}

export interface CreateMetricsOptions {
  /**
   * Collect prom-client's process and Node.js metrics (default true). Turn off for all but one
   * service when several run in one process: they would report the same process twice.
   */
  readonly defaultMetrics?: boolean;
}

/** A registry labelled `service="<service>"` with default process metrics, and metric factories bound to it. */
export function createMetrics(service: string, options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    counter: (opts) => new Counter({ ...opts, registers: [registry] }),
    gauge: (opts) => new Gauge({ ...opts, registers: [registry] }),
    histogram: (opts) => new Histogram({ ...opts, registers: [registry] }),
  };
}
