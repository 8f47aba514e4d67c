export { type HealthRouterOptions, healthRouter } from './health-router.js';
export { type CreateMetricsOptions, createMetrics, type Metrics } from './metrics.js';
export { type HttpHandle, type StartHttpOptions, startHttp } from './start-http.js';
