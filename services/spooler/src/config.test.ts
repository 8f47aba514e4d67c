import { ConfigError, loadConfig } from '@kgc/config';
import { describe, expect, it } from 'vitest';
import { spoolerConfig } from './config.js';

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
