/** run() in-process, for everything that is decided before (or without) a working server. */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './main.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kgc-admin-main-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function admin(argv: string[], env: Record<string, string> = {}, input = '') {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(input);
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    env: { KGC_DATA_DIR: join(dir, 'no-data'), ...env },
  });
  return { code, stdout, stderr };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('kgc-admin without a server', () => {
  it('prints the help and exits 1 without arguments, 0 with --help', async () => {
    const none = await admin([]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^Usage:\nkgc-admin \[action\] \[options\]\n/);
    const help = await admin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('-c user');
  });

  it('prints the version', async () => {
    expect(await admin(['-V'])).toEqual({ code: 0, stdout: 'kgc-admin 0.1.0\n', stderr: '' });
  });

  it('answers bad usage with the reason and the usage line, exit 1, without connecting', async () => {
    const r = await admin(['-b', 'alice']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Missing information to add user to group: group name (-i)\n' +
        'Usage: kgc-admin [action] [options]\n' +
        "Try 'kgc-admin --help' for more information.\n",
    );
  });

  it('reports every problem of an explicit config file', async () => {
    const cfg = join(dir, 'bad.cfg');
    await writeFile(cfg, 'log_level = 9\nno_such_key = 1\n');
    const r = await admin(['-l', '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error while reading configuration file ${cfg}`);
    expect(r.stderr).toContain('unknown key "no_such_key"');
    expect(r.stderr).toContain('invalid value for "log_level"');
    const missing = await admin(['-l', '--config', join(dir, 'missing.cfg')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });

  it('refuses a service secret file that others can read', async () => {
    const secret = join(dir, 'open.secret');
    await writeFile(secret, 'x');
    await chmod(secret, 0o644);
    const r = await admin(['-l'], { KGC_SERVICE_SECRET_FILE: secret });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Refusing to use service secret file ${secret}: its mode is 0644`);
  });

  it('says how to log on when there is no secret file and no --user', async () => {
    const r = await admin(['-l']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`No service secret file at ${join(dir, 'no-data', 'admin.secret')}`);
  });

  it('refuses a server address it cannot use', async () => {
    const r = await admin(['-l', '-h', 'ftp://x/']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Invalid server address "ftp:\/\/x\/"/);
  });

  it('reports an unreachable server in KGC words', async () => {
    const secret = join(dir, 'good.secret');
    await writeFile(secret, 'x');
    await chmod(secret, 0o600);
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const r = await admin(['-l', '-h', url], { KGC_SERVICE_SECRET_FILE: secret });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Unable to open Admin session: network error \(KCERR_NETWORK_ERROR/);
    expect(r.stderr).toContain(`The server is not running, or not accessible through "${url}".`);
  });

  it('fails a user logon without a password at end of input', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const r = await admin(['-l', '-h', url, '--user', 'root']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Password:\nNo password given for root.\n');
  });
});
