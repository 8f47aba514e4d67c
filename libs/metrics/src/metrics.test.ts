import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { healthRouter } from './health-router.js';
import { createMetrics } from './metrics.js';
import { type HttpHandle, startHttp } from './start-http.js';

const handles: HttpHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

async function serve(app: express.Express): Promise<string> {
  const handle = await startHttp({ host: '127.0.0.1', port: 0, app });
  handles.push(handle);
  return `http://127.0.0.1:${handle.port}`;
}

function appWith(options: Parameters<typeof healthRouter>[0]): express.Express {
  const app = express();
  app.use(healthRouter(options));
  return app;
}

describe('createMetrics', () => {
  it('uses its own registry, with the service label and process metrics', async () => {
    const a = createMetrics('gateway');
    const b = createMetrics('dagent');
    const logons = a.counter({ name: 'imap_logons_total', help: 'IMAP logons', labelNames: ['result'] });
    logons.inc({ result: 'ok' }, 2);
    a.gauge({ name: 'imap_sessions', help: 'open IMAP sessions' }).set(5);
    a.histogram({ name: 'imap_command_seconds', help: 'command time', buckets: [0.1, 1] }).observe(0.5);

    const text = await a.registry.metrics();
    expect(text).toContain('imap_logons_total{result="ok",service="gateway"} 2');
    expect(text).toContain('imap_sessions{service="gateway"} 5');
    expect(text).toContain('imap_command_seconds_bucket{le="1",service="gateway"} 1');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="gateway"\} /m);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(await b.registry.metrics()).not.toContain('imap_logons_total');
  });

  it('can leave out the default process metrics', async () => {
    const m = createMetrics('search', { defaultMetrics: false });
    m.counter({ name: 'queries_total', help: 'q' }).inc();
    const text = await m.registry.metrics();
    expect(text).not.toContain('process_cpu');
    expect(text).toContain('queries_total{service="search"} 1');
  });

  it('refuses a duplicate metric name within one service', () => {
    const m = createMetrics('x', { defaultMetrics: false });
    m.counter({ name: 'dup_total', help: 'h' });
    expect(() => m.gauge({ name: 'dup_total', help: 'h' })).toThrow(/already been registered/);
  });
});

describe('healthRouter over HTTP', () => {
  it('serves /metrics in the Prometheus text format', async () => {
    const m = createMetrics('gateway');
    m.counter({ name: 'hits_total', help: 'h' }).inc(3);
    const base = await serve(appWith({ registry: m.registry, ready: () => true }));
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body).toContain('# TYPE hits_total counter');
    expect(body).toContain('hits_total{service="gateway"} 3');
  });

  it('answers 500 when a collector fails, and reports it', async () => {
    const m = createMetrics('x', { defaultMetrics: false });
    m.gauge({
      name: 'broken',
      help: 'h',
      collect() {
        throw new Error('collector exploded');
      },
    });
    const seen: string[] = [];
    const base = await serve(
      appWith({ registry: m.registry, ready: () => true, onError: (_e, path) => seen.push(path) }),
    );
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('exploded');
    expect(seen).toEqual(['/metrics']);
  });

  it('serves /healthz as 200 ok even when not ready', async () => {
    const base = await serve(appWith({ registry: createMetrics('x').registry, ready: () => false }));
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('serves /readyz from ready(): sync, async, false, throwing, rejecting', async () => {
    let state: 'up' | 'down' | 'throw' | 'reject' | 'async-up' = 'up';
    const errors: unknown[] = [];
    const ready = (): boolean | Promise<boolean> => {
      switch (state) {
        case 'up':
          return true;
        case 'down':
          return false;
        case 'throw':
          throw new Error('db gone');
        case 'reject':
          return Promise.reject(new Error('nats gone'));
        case 'async-up':
          return new Promise((r) => setTimeout(() => r(true), 20));
      }
    };
    const base = await serve(appWith({ registry: createMetrics('x').registry, ready, onError: (e) => errors.push(e) }));
    const probe = async (): Promise<[number, string]> => {
      const res = await fetch(`${base}/readyz`);
      return [res.status, await res.text()];
    };
    expect(await probe()).toEqual([200, 'ready']);
    state = 'down';
    expect(await probe()).toEqual([503, 'not ready']);
    state = 'throw';
    expect(await probe()).toEqual([503, 'not ready']);
    state = 'reject';
    expect(await probe()).toEqual([503, 'not ready']);
    state = 'async-up';
    expect(await probe()).toEqual([200, 'ready']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['db gone', 'nats gone']);
  });

  it('leaves other paths to the app (404 by default)', async () => {
    const app = appWith({ registry: createMetrics('x').registry, ready: () => true });
    app.get('/other', (_req, res) => {
      res.send('mine');
    });
    const base = await serve(app);
    expect(await (await fetch(`${base}/other`)).text()).toBe('mine');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(404);
  });
});

describe('startHttp', () => {
  it('binds port 0 to a real free port', async () => {
    const a = await startHttp({ host: '127.0.0.1', port: 0, app: (_req, res) => res.end('a') });
    const b = await startHttp({ host: '127.0.0.1', port: 0, app: (_req, res) => res.end('b') });
    handles.push(a, b);
    expect(a.port).toBeGreaterThan(0);
    expect(a.port).not.toBe(b.port);
    expect(await (await fetch(`http://127.0.0.1:${b.port}/`)).text()).toBe('b');
  });

  it('rejects when the port is taken', async () => {
    const a = await startHttp({ host: '127.0.0.1', port: 0, app: (_req, res) => res.end() });
    handles.push(a);
    await expect(startHttp({ host: '127.0.0.1', port: a.port, app: (_req, res) => res.end() })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });

  it('close() drops idle keep-alive sockets at once and refuses new connections', async () => {
    const handle = await startHttp({ host: '127.0.0.1', port: 0, app: (_req, res) => res.end('x') });
    const res = await fetch(`http://127.0.0.1:${handle.port}/`);
    expect(res.headers.get('connection')).toBe('keep-alive');
    await res.text();
    const started = performance.now();
    await handle.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fetch(`http://127.0.0.1:${handle.port}/`)).rejects.toThrow();
    await expect(handle.close()).resolves.toBeUndefined();
  });

  it('close() lets an in-flight request finish, then closes its keep-alive socket', async () => {
    const handle = await startHttp({
      host: '127.0.0.1',
      port: 0,
      app: (_req, res) => {
        setTimeout(() => res.end('done'), 300);
      },
    });
    const started = performance.now();
    const pending = fetch(`http://127.0.0.1:${handle.port}/`);
    await new Promise((r) => setTimeout(r, 100));
    const closed = handle.close();
    const res = await pending;
    expect(await res.text()).toBe('done');
    expect(res.headers.get('connection')).toBe('close');
    await closed;
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
