import express, { type Router } from 'express';
import type { Registry } from 'prom-client';

export interface HealthRouterOptions {
  readonly registry: Registry;
  /** Readiness: false or a throw/rejection means 503 (take this replica out of the load balancer). */
  readonly ready: () => boolean | Promise<boolean>;
  /** Told about a failed readiness check or metrics collection (the HTTP reply does not carry details). */
  readonly onError?: (err: unknown, path: '/metrics' | '/readyz') => void;
}

/** `GET /metrics` (Prometheus text exposition), `GET /healthz` (liveness), `GET /readyz` (readiness). */
export function healthRouter(options: HealthRouterOptions): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/metrics', async (_req, res) => {
    try {
      const body = await options.registry.metrics();
      res.status(200).set('Content-Type', options.registry.contentType).send(body);
    } catch (err) {
      options.onError?.(err, '/metrics');
      res.status(500).type('text/plain').send('metrics collection failed\n');
    }
  });

  router.get('/healthz', (_req, res) => {
    res.status(200).type('text/plain').send('ok');
  });

  router.get('/readyz', async (_req, res) => {
    let ready = false;
    try {
      ready = (await options.ready()) === true;
    } catch (err) {
      options.onError?.(err, '/readyz');
    }
    res
      .status(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'ready' : 'not ready');
  });

  return router;
}
