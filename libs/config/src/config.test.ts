import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { parseCfgText } from './cfg-parser.js';
import { type ConfigOf, defineConfig, dumpConfig, loadConfig } from './config.js';
import { ConfigError } from './config-error.js';
import { bool, duration, int, list, listen, oneOf, secret, size, str } from './fields.js';
import type { Listener } from './listen.js';

const gateway = defineConfig({
  server_socket: str('http://localhost:236/'),
  imap_listen: listen('*%lo:143'),
  imaps_listen: listen(''),
  imap_max_messagesize: size('128M'),
  imap_capability_idle: bool(true),
  threads: int(8, { min: 1, max: 256 }),
  session_timeout: duration('300'),
  disabled_features: list('imap pop3'),
  user_plugin: oneOf(['db', 'ldap', 'unix'], 'db'),
  mysql_password: secret(),
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kgc-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives typed defaults without a file and without env', () => {
    const values = loadConfig(gateway, { env: {} });
    expectTypeOf(values.imap_listen).toEqualTypeOf<Listener[]>();
    expectTypeOf(values.threads).toEqualTypeOf<number>();
    expectTypeOf(values.user_plugin).toEqualTypeOf<'db' | 'ldap' | 'unix'>();
    expect(values).toEqual({
      server_socket: 'http://localhost:236/',
      imap_listen: [{ host: '*', port: 143, iface: 'lo' }],
      imaps_listen: [],
      imap_max_messagesize: 128 * 1024 * 1024,
      imap_capability_idle: true,
      threads: 8,
      session_timeout: 300_000,
      disabled_features: ['imap', 'pop3'],
      user_plugin: 'db',
      mysql_password: '',
    });
  });

  it('applies defaults < file < environment', () => {
    const file = write('gateway.cfg', 'threads = 16\nimap_capability_idle = no\nuser_plugin = ldap\n');
    const values = loadConfig(gateway, { file, env: { KGC_THREADS: '32', KGC_IMAPS_LISTEN: '127.0.0.1:1993' } });
    expect(values.threads).toBe(32);
    expect(values.imap_capability_idle).toBe(false);
    expect(values.user_plugin).toBe('ldap');
    expect(values.imaps_listen).toEqual([{ host: '127.0.0.1', port: 1993 }]);
    expect(values.imap_max_messagesize).toBe(128 * 1024 * 1024);
  });

  it('lets an empty env value clear a setting', () => {
    const file = write('gateway.cfg', 'imap_listen = *:143\n');
    expect(loadConfig(gateway, { file, env: { KGC_IMAP_LISTEN: '' } }).imap_listen).toEqual([]);
  });

  it('uses the last duplicate, across includes', () => {
    write('common.cfg', 'threads = 4\n');
    const file = write(
      'gateway.cfg',
      'threads = 2\n!include common.cfg\nthreads = 3\nuser_plugin = unix\n!include common.cfg\n',
    );
    const values = loadConfig(gateway, { file, env: {} });
    expect(values.threads).toBe(4);
    expect(values.user_plugin).toBe('unix');
  });

  it('matches file keys case-insensitively, as KGC does', () => {
    const file = write('gateway.cfg', 'THREADS = 5\n');
    expect(loadConfig(gateway, { file, env: {} }).threads).toBe(5);
  });

  it('ignores KGC_* variables that match no key (the environment is shared)', () => {
    const values = loadConfig(gateway, { env: { KGC_DATA_DIR: '/data', KGC_MYSQL_HOST: 'db', KGC_: 'x' } });
    expect(values.threads).toBe(8);
  });

  it('names key and file:line for an unknown key in a file', () => {
    const file = write('gateway.cfg', 'threads = 2\nimap_lisen = *:143\n');
    const err = configError(() => loadConfig(gateway, { file, env: {} }));
    expect(err.message).toBe(`${file}:2: unknown key "imap_lisen"`);
    expect(err.issues).toEqual([{ key: 'imap_lisen', source: `${file}:2`, message: 'unknown key "imap_lisen"' }]);
  });

  it('names the included file for an unknown key there', () => {
    const inc = write('extra.cfg', '\nbogus = 1\n');
    const file = write('gateway.cfg', '!include extra.cfg\n');
    expect(() => loadConfig(gateway, { file, env: {} })).toThrow(`${inc}:2: unknown key "bogus"`);
  });

  it('names key, file and value for an invalid value in a file', () => {
    const file = write('gateway.cfg', 'imap_max_messagesize = lots\n');
    const err = configError(() => loadConfig(gateway, { file, env: {} }));
    expect(err.message).toMatch(
      new RegExp(`^${file}:1: invalid value for "imap_max_messagesize": expected a size .*\\(got "lots"\\)$`),
    );
    expect(err.issues[0]?.key).toBe('imap_max_messagesize');
  });

  it('names the environment variable for an invalid env value', () => {
    const err = configError(() => loadConfig(gateway, { env: { KGC_THREADS: '0' } }));
    expect(err.message).toBe('environment KGC_THREADS: invalid value for "threads": must be at least 1 (got "0")');
  });

  it('refuses line breaks in env values (they would corrupt --dump-config)', () => {
    expect(() => loadConfig(gateway, { env: { KGC_SERVER_SOCKET: 'a\nb' } })).toThrow(
      'environment KGC_SERVER_SOCKET: value of "server_socket" contains a line break',
    );
  });

  it('never echoes a secret value in an error, also when the secret is refined further', () => {
    const strict = defineConfig({
      service_key: secret().pipe(z.string().min(8, 'too short')),
      ldap_bind_passwd: z.string().min(8, 'too short'),
    });
    const err = configError(() =>
      loadConfig(strict, { env: { KGC_SERVICE_KEY: 'hunter2', KGC_LDAP_BIND_PASSWD: 'sword' } }),
    );
    expect(err.issues.map((i) => i.message)).toEqual([
      'invalid value for "service_key": too short',
      'invalid value for "ldap_bind_passwd": too short',
    ]);
    expect(dumpConfig(strict, { service_key: 'longenough', ldap_bind_passwd: 'x' })).toBe(
      'service_key = ********\nldap_bind_passwd = x\n',
    );
  });

  it('reports every problem at once', () => {
    const file = write('gateway.cfg', 'nope = 1\nthreads = many\n');
    const err = configError(() => loadConfig(gateway, { file, env: { KGC_USER_PLUGIN: 'pam' } }));
    expect(err.issues.map((i) => [i.key, i.source])).toEqual([
      ['nope', `${file}:1`],
      ['threads', `${file}:2`],
      ['user_plugin', 'environment KGC_USER_PLUGIN'],
    ]);
    expect(err.message).toMatch(/^invalid configuration \(3 problems\):\n {2}- /);
  });

  it('reports a missing value for a schema without default', () => {
    const def = defineConfig({ server_name: z.string().min(1) });
    expect(() => loadConfig(def, { env: {} })).toThrow('missing value for "server_name" (set it in KGC_SERVER_NAME)');
    expect(loadConfig(def, { env: { KGC_SERVER_NAME: 'node1' } })).toEqual({ server_name: 'node1' });
  });

  it('treats a missing default file as "use defaults", a missing explicit file as an error', () => {
    const file = join(dir, 'absent.cfg');
    expect(loadConfig(gateway, { file, env: {} }).threads).toBe(8);
    expect(() => loadConfig(gateway, { file, env: {}, required: true })).toThrow(/absent\.cfg: no such file/);
  });

  it('still fails on an unreadable default file (not just absent)', () => {
    expect(() => loadConfig(gateway, { file: dir, env: {} })).toThrow(/not a regular file/);
  });

  it('reads process.env when no env is given', () => {
    process.env.KGC_THREADS = '77';
    try {
      expect(loadConfig(gateway).threads).toBe(77);
    } finally {
      delete process.env.KGC_THREADS;
    }
  });
});

describe('defineConfig', () => {
  it.each(['Threads', 'imap-listen', '1st', '', 'a b'])('refuses key %j', (key) => {
    expect(() => defineConfig({ [key]: str() })).toThrow(ConfigError);
  });
});

describe('dumpConfig', () => {
  it('prints KGC lines in definition order with secrets masked', () => {
    const values = loadConfig(gateway, {
      env: { KGC_MYSQL_PASSWORD: 'hunter2', KGC_IMAPS_LISTEN: '[::1]:993 unix:/run/imaps.sock', KGC_THREADS: '12' },
    });
    const text = dumpConfig(gateway, values);
    expect(text).toBe(
      [
        'server_socket = http://localhost:236/',
        'imap_listen = *%lo:143',
        'imaps_listen = [::1]:993 unix:/run/imaps.sock',
        'imap_max_messagesize = 128M',
        'imap_capability_idle = yes',
        'threads = 12',
        'session_timeout = 5m',
        'disabled_features = imap pop3',
        'user_plugin = db',
        'mysql_password = ********',
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('hunter2');
  });

  it('shows an empty secret as empty (unset is not a secret)', () => {
    expect(dumpConfig(gateway, loadConfig(gateway, { env: {} }))).toContain('mysql_password = \n');
  });

  it('round-trips: the dump loads back to the same values', () => {
    const values = loadConfig(gateway, {
      env: { KGC_IMAP_LISTEN: '*%lo:143 [::1]:1143', KGC_SESSION_TIMEOUT: '1500ms', KGC_IMAP_MAX_MESSAGESIZE: '1000' },
    });
    const file = write('dump.cfg', dumpConfig(gateway, values));
    expect(loadConfig(gateway, { file, env: {} })).toEqual(values);
  });

  it('prints plain zod fields sensibly', () => {
    const def = defineConfig({
      name: z.string(),
      port: z.string().transform(Number),
      tags: z.string().transform((s) => s.split(',')),
    });
    type Plain = ConfigOf<typeof def>;
    const values: Plain = { name: 'x', port: 25, tags: ['a', 'b'] };
    const text = dumpConfig(def, values);
    expect(text).toBe('name = x\nport = 25\ntags = a b\n');
    expect(parseCfgText(text, 'dump').length).toBe(3);
  });
});
