/**
 * The README's first command, as a user runs it: the embedded suite (services/all-in-one) as its
 * own process, kgc-admin as its own process reading the local admin secret, a SOAP logon, Ctrl-C,
 * and a second start that keeps the data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SoapClient, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPython } from '../../services/dagent/src/testing/lmtp-clients.js';
import { startTestRelay, type TestRelay } from '../../services/spooler/src/testing/relay.js';
import { submitPython } from '../../services/spooler/src/testing/submission-clients.js';
import { ROOT, type ServerProcess, spawnService } from '../support/server-process.js';

const run = promisify(execFile);
/** kgc-admin as its bin runs it, from source. */
const ADMIN = ['--conditions=@kgc/source', '--import', 'tsx', join(ROOT, 'test/support/admin-cli.ts')];

describe('embedded suite + kgc-admin', () => {
  let dataDir: string;
  let suite: ServerProcess;
  let relay: TestRelay;
  const env = () => ({
    KGC_DATA_DIR: dataDir,
    KGC_SERVER_LISTEN: '127.0.0.1:0',
    KGC_LMTP_LISTEN: '127.0.0.1:0',
    KGC_METRICS_LISTEN: '127.0.0.1:0',
    KGC_IMAP_LISTEN: '127.0.0.1:0',
    KGC_POP3_LISTEN: '127.0.0.1:0',
    KGC_SUBMISSION_LISTEN: '127.0.0.1:0',
    KGC_SMTP_SERVER: '127.0.0.1',
    KGC_SMTP_PORT: String(relay.port),
    // Only the in-process bus can wake the spooler in time.
    KGC_QUEUE_RESCAN_INTERVAL: '1h',
  });

  async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const r = await run(process.execPath, [...ADMIN, '-h', suite.url, ...args], {
        cwd: ROOT,
        env: { ...process.env, KGC_DATA_DIR: dataDir },
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kgc-embedded-'));
    relay = await startTestRelay();
    suite = await spawnService('all-in-one', env());
  }, 90_000);

  afterAll(async () => {
    await suite?.kill();
    await relay?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the local admin secret with mode 0600 and SQLite under the data dir', () => {
    expect(statSync(join(dataDir, 'admin.secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'kgc.db')).isFile()).toBe(true);
  });

  it('kgc-admin creates and lists a user; she logs on over SOAP with her default folders', async () => {
    const created = await admin('-c', 'alice', '-p', 'secret', '-e', 'alice@example.com', '-f', 'Alice Example');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('User created.');
    const list = await admin('-l');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/alice\s+Alice Example/);

    const client = new SoapClient({ url: suite.url });
    const s = await userLogon(client, 'alice', 'secret');
    const { store } = await s.call('getStore', {});
    const { folders } = await s.call('getHierarchy', { storeId: store.storeId });
    expect(folders.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'Inbox',
        'Outbox',
        'Sent Items',
        'Deleted Items',
        'Drafts',
        'Junk E-mail',
        'Calendar',
        'Contacts',
        'Tasks',
        'Notes',
      ]),
    );
    await expect(userLogon(client, 'alice', 'wrong')).rejects.toMatchObject({ code: 'KCERR_LOGON_FAILED' });
    client.close();
  }, 60_000);

  it('the dagent delivers over LMTP into her Inbox', async () => {
    const lmtpPort = async (): Promise<number> => {
      for (let i = 0; i < 100; i++) {
        for (const line of suite.log) {
          const rec = JSON.parse(line.startsWith('{') ? line : '{}') as {
            msg?: string;
            lmtp?: Array<{ port: number }>;
          };
          if (rec.msg === 'dagent started' && rec.lmtp?.[0]) return rec.lmtp[0].port;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no "dagent started" line');
    };
    const raw = Buffer.from('From: bob@example.net\r\nSubject: hello\r\n\r\nHi Alice.\r\n');
    const r = await sendPython(await lmtpPort(), 'bob@example.net', ['alice@example.com'], raw);
    expect(r.data).toEqual([[250, '2.1.5 <alice@example.com> Delivered']]);
    const client = new SoapClient({ url: suite.url });
    const s = await userLogon(client, 'alice', 'secret');
    const { store } = await s.call('getStore', {});
    const { folders } = await s.call('getHierarchy', { storeId: store.storeId });
    expect(folders.find((f) => f.specialUse === 'inbox')?.messages).toBe(1);
    client.close();
  }, 30_000);

  it('the gateway serves her Inbox over POP3 once kgc-admin enables the feature', async () => {
    const pop3Port = async (): Promise<number> => {
      for (let i = 0; i < 100; i++) {
        for (const line of suite.log) {
          const rec = JSON.parse(line.startsWith('{') ? line : '{}') as {
            msg?: string;
            pop3?: Array<{ port: number }>;
          };
          if (rec.msg === 'gateway started' && rec.pop3?.[0]) return rec.pop3[0].port;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no "gateway started" line');
    };
    const port = await pop3Port();
    const script = `
import json, poplib, sys
p = poplib.POP3('127.0.0.1', int(sys.argv[1]))
p.user('alice')
try:
    p.pass_('secret')
    out = {'stat': list(p.stat())}
except poplib.error_proto as e:
    out = {'error': e.args[0].decode()}
p.quit()
print(json.dumps(out))
`;
    const pop = async () =>
      JSON.parse((await run('python3', ['-c', script, String(port)])).stdout) as Record<string, unknown>;
    expect(await pop()).toEqual({ error: '-ERR [SYS/PERM] POP3 access is disabled for this user.' });
    expect((await admin('-u', 'alice', '--enable-feature', 'pop3')).code).toBe(0);
    expect((await pop()).stat).toEqual([1, expect.any(Number)]);
  }, 30_000);

  it('the spooler takes her SMTP submission to the relay, woken by the bus, and keeps it in Sent Items', async () => {
    const submissionPort = async (): Promise<number> => {
      for (let i = 0; i < 100; i++) {
        for (const line of suite.log) {
          const rec = JSON.parse(line.startsWith('{') ? line : '{}') as {
            msg?: string;
            submission?: Array<{ port: number }>;
          };
          if (rec.msg === 'spooler started' && rec.submission?.[0]) return rec.submission[0].port;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no "spooler started" line');
    };
    const raw = Buffer.from(
      'From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: out\r\n\r\nHi Bob.\r\n',
    );
    const r = await submitPython({
      port: await submissionPort(),
      user: 'alice',
      password: 'secret',
      from: 'alice@example.com',
      to: ['bob@example.net'],
      raw,
    });
    expect(r.data?.[0]).toBe(250);
    const [got] = await relay.waitFor(1);
    expect(got?.to).toEqual(['bob@example.net']);
    expect(got?.raw.toString()).toContain('Subject: out\r\n');
    const client = new SoapClient({ url: suite.url });
    const s = await userLogon(client, 'alice', 'secret');
    const { store } = await s.call('getStore', {});
    const { folders } = await s.call('getHierarchy', { storeId: store.storeId });
    expect(folders.find((f) => f.specialUse === 'sent')?.messages).toBe(1);
    client.close();
  }, 30_000);

  it('stops cleanly on Ctrl-C and keeps the data across a restart', async () => {
    expect(await suite.kill('SIGINT')).toBe(0);
    suite = await spawnService('all-in-one', env());
    const client = new SoapClient({ url: suite.url });
    const s = await userLogon(client, 'alice', 'secret');
    expect((await s.call('getSessionInfo', {})).info.username).toBe('alice');
    client.close();
  }, 90_000);
});
