import { ConfigError, loadConfig } from '@kgc/config';
import { createLogger } from '@kgc/log';
import { describe, expect, it } from 'vitest';
import { spoolerConfig } from './config.js';
import { startSpooler } from './spooler.js';

describe('spooler.cfg', () => {
  it('has KGC defaults', () => {
    const c = loadConfig(spoolerConfig, { env: {} });
    expect(c.smtp_server).toBe('localhost');
    expect(c.smtp_port).toBe(25);
    expect(c.max_threads).toBe(5);
    expect(c.queue_rescan_interval).toBe(60_000);
    expect(c.smtp_tls).toBe('none');
    expect(c.submission_listen).toEqual([{ host: '*', port: 587 }]);
    expect(c.disable_plaintext_auth).toBe(true);
  });

  it('takes KGC_<KEY> overrides and names a bad key', () => {
    const c = loadConfig(spoolerConfig, {
      env: { KGC_SMTP_SERVER: 'mta.internal', KGC_SMTP_PORT: '465', KGC_SMTP_TLS: 'tls', KGC_MAX_THREADS: '20' },
    });
    expect([c.smtp_server, c.smtp_port, c.smtp_tls, c.max_threads]).toEqual(['mta.internal', 465, 'tls', 20]);
    expect(() => loadConfig(spoolerConfig, { env: { KGC_SMTP_TLS: 'maybe' } })).toThrow(/smtp_tls/);
    expect(() => loadConfig(spoolerConfig, { env: { KGC_MAX_THREADS: '0' } })).toThrow(ConfigError);
    expect(() => loadConfig(spoolerConfig, { env: { KGC_SMTP_PORT: '70000' } })).toThrow(/smtp_port/);
  });
});

describe('deploy/config/spooler.cfg', () => {
  it('is a valid spooler.cfg', () => {
    const file = new URL('../../../deploy/config/spooler.cfg', import.meta.url).pathname;
    const c = loadConfig(spoolerConfig, { file, required: true, env: {} });
    expect(c.smtp_server).toBe('localhost');
    expect(c.submission_listen).toEqual([{ host: '*', port: 587 }]);
  });
});

describe('startSpooler refuses a configuration that cannot work, naming the key', () => {
  const start = (env: Record<string, string>) =>
    startSpooler({
      config: loadConfig(spoolerConfig, {
        env: { KGC_SERVICE_SECRET: 'x', KGC_METRICS_LISTEN: '', KGC_SUBMISSION_LISTEN: '', ...env },
      }),
      log: createLogger({ service: 'spooler', level: 'silent' }),
    });

  it.each([
    [{ KGC_SERVICE_SECRET: '' }, /service_secret/],
    [{ KGC_SUBMISSION_LISTEN: '127.0.0.1:0' }, /disable_plaintext_auth/],
    [{ KGC_SUBMISSION_LISTEN: 'unix:/tmp/x.sock', KGC_DISABLE_PLAINTEXT_AUTH: 'no' }, /submission_listen/],
    [{ KGC_SMTP_PASSWORD: 'p' }, /smtp_username/],
    [{ KGC_SMTP_USERNAME: 'u', KGC_SMTP_PASSWORD: 'p', KGC_SMTP_PASSWORD_FILE: '/x' }, /smtp_password/],
    [{ KGC_SUBMISSION_SSL_KEY_FILE: '/k' }, /submission_ssl_key_file/],
    [{ KGC_METRICS_LISTEN: 'unix:/tmp/m.sock' }, /metrics_listen/],
  ])('%o', async (env, key) => {
    await expect(start(env)).rejects.toThrow(ConfigError);
    await expect(start(env)).rejects.toThrow(key);
  });
});
