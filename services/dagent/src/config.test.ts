import { ConfigError, loadConfig } from '@kgc/config';
import { describe, expect, it } from 'vitest';
import { dagentConfig } from './config.js';

describe('dagent.cfg', () => {
  it('has KGC defaults', () => {
    const c = loadConfig(dagentConfig, { env: {} });
    expect(c.lmtp_listen).toEqual([{ host: '127.0.0.1', port: 2003 }]);
    expect(c.lmtp_max_connections).toBe(20);
    expect(c.spam_header_name).toBe('X-Spam-Status');
    expect(c.spam_header_value).toBe('Yes,');
    expect(c.recipient_delimiter).toBe('+');
    expect(c.lmtp_max_messagesize).toBe(128 * 1024 * 1024);
  });

  it('takes KGC_<KEY> overrides and names a bad key', () => {
    const c = loadConfig(dagentConfig, {
      env: { KGC_LMTP_LISTEN: '*:24 unix:/run/lmtp.sock', KGC_LMTP_MAX_MESSAGESIZE: '10M' },
    });
    expect(c.lmtp_listen).toEqual([{ host: '*', port: 24 }, { path: '/run/lmtp.sock' }]);
    expect(c.lmtp_max_messagesize).toBe(10 * 1024 * 1024);
    expect(() => loadConfig(dagentConfig, { env: { KGC_LMTP_MAX_CONNECTIONS: '0' } })).toThrow(ConfigError);
    expect(() => loadConfig(dagentConfig, { env: { KGC_LMTP_MAX_CONNECTIONS: '0' } })).toThrow(/lmtp_max_connections/);
  });
});
