/**
 * CLI mode (`kgc-dagent RECIPIENT... < message`): the real program for the common exit codes,
 * runCli in-process for the rest.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '@kgc/config';
import { createLogger } from '@kgc/log';
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { ROOT, serviceArgs } from '../../../test/support/server-process.js';
import { parseCliArgs, runCli } from './cli.js';
import { dagentConfig } from './config.js';
import { EXIT } from './errors.js';
import { countIn, createStoreUser, folderOf, makeMessage, messagesIn, splitStored } from './testing/harness.js';

let server: TestServer;
let admin: KgcSession;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
});

afterAll(async () => {
  await server?.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    KGC_SERVER_SOCKET: server.url,
    KGC_SERVICE_SECRET_FILE: server.secretFile,
    KGC_LOG_LEVEL: 'warn',
    KGC_LMTP_HOSTNAME: 'cli.test',
    ...extra,
  };
}

/** The real program from source: exit code and stderr. */
function program(args: string[], input: Buffer): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...serviceArgs('dagent'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env() },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
    child.stdin?.end(input);
  });
}

async function inProcess(recipients: string[], input: Buffer, extra: Record<string, string> = {}) {
  const config = loadConfig(dagentConfig, { env: env(extra) });
  const args = parseCliArgs(recipients);
  if (typeof args === 'string') throw new Error(args);
  const stdin = new PassThrough();
  stdin.end(input);
  const lines: string[] = [];
  const code = await runCli(
    config,
    args,
    { stdin, report: (l) => lines.push(l) },
    createLogger({ service: 'dagent', level: 'silent' }),
  );
  return { code, lines };
}

describe('kgc-dagent RECIPIENT... < message', () => {
  it('the program delivers (exit 0), stored with a Received header, and 67 for an unknown user', async () => {
    const u = await createStoreUser(admin);
    const raw = makeMessage();
    const ok = await program([u.email], raw);
    expect(ok.code).toBe(0);
    const [m] = await messagesIn(admin, folderOf(u, 'inbox'));
    const { trace, tail } = splitStored(m?.raw ?? Buffer.alloc(0), raw);
    expect(tail.equals(raw)).toBe(true);
    expect(trace).toMatch(
      /^Received: by cli\.test \(KGC-TS dagent\) with local id \w+\r\n\tfor <[^>]+>; .+ \+0000\r\n$/,
    );
    const unknown = await program(['nobody@example.com'], raw);
    expect(unknown.code).toBe(EXIT.noUser);
    expect(unknown.stderr).toContain('5.1.1 <nobody@example.com> User does not exist');
  }, 30_000);

  it('75 when the server is down; nothing stored', async () => {
    const u = await createStoreUser(admin);
    const down = await inProcess([u.email], makeMessage(), { KGC_SERVER_SOCKET: 'http://127.0.0.1:9/' });
    expect(down.code).toBe(EXIT.tempFail);
    expect(down.lines.join('\n')).toContain('4.3.0');
    expect(await countIn(admin, folderOf(u, 'inbox'))).toBe(0);
  });

  it('several recipients: one delivery; unknown among delivered gives 67; -j delivers into Junk', async () => {
    const a = await createStoreUser(admin);
    const b = await createStoreUser(admin);
    const r = await inProcess([a.email, 'ghost@example.com', b.email], makeMessage());
    expect(r.code).toBe(EXIT.noUser);
    expect(r.lines).toEqual([
      `kgc-dagent: <${a.email}>: delivered`,
      'kgc-dagent: 5.1.1 <ghost@example.com> User does not exist',
      `kgc-dagent: <${b.email}>: delivered`,
    ]);
    const junk = await inProcess(['-j', a.email], makeMessage());
    expect(junk.code).toBe(0);
    expect(await countIn(admin, folderOf(a, 'junk'))).toBe(1);
  });

  it('over quota: 73; too big: 65; -f FILE; usage errors', async () => {
    const u = await createStoreUser(admin);
    await admin.call('SetQuota', { username: u.username, quota: { override: true, warn: 0, soft: 0, hard: 100 } });
    expect((await inProcess([u.email], makeMessage({ body: 'x'.repeat(500) }))).code).toBe(EXIT.cantCreate);
    expect((await inProcess([u.email], Buffer.alloc(4096, 0x61), { KGC_LMTP_MAX_MESSAGESIZE: '2k' })).code).toBe(
      EXIT.dataErr,
    );
    const v = await createStoreUser(admin);
    const file = join(server.dataDir, 'message.eml');
    const raw = makeMessage();
    writeFileSync(file, raw);
    expect((await inProcess(['-f', file, v.email], Buffer.alloc(0))).code).toBe(0);
    expect(
      splitStored((await messagesIn(admin, folderOf(v, 'inbox')))[0]?.raw ?? Buffer.alloc(0), raw).tail.equals(raw),
    ).toBe(true);
    expect(parseCliArgs([])).toBe('no recipient');
    expect(parseCliArgs(['-x', 'a@b'])).toBe('unknown option -x');
    expect(parseCliArgs(['-f'])).toBe('-f needs a file name');
  });
});
