/**
 * Relays that need TLS and AUTH (beyond KGC; Kubernetes relays do): STARTTLS required, implicit
 * TLS, SMTP AUTH; a wrong password or an untrusted certificate is a temporary failure (the
 * message waits in the queue), never a bounce.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KgcSession } from '@kgc/soap';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { makeTestCert, type TestCert } from '../../../test/support/tls.js';
import {
  createMailUser,
  eventually,
  type MailUser,
  mail,
  type SpoolerUnderTest,
  startTestSpooler,
  submit,
  uniq,
} from './testing/harness.js';
import { startTestRelay, type TestRelay } from './testing/relay.js';

let server: TestServer;
let admin: KgcSession;
let cert: TestCert;
let dave: MailUser;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  cert = makeTestCert();
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  dave = await createMailUser(server.url, server.secret, admin);
});

/** Each test's spoolers and relays stop with it: the queue is shared. */
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

afterAll(async () => {
  await server?.close();
  if (cert) rmSync(cert.dir, { recursive: true, force: true });
});

const tls = () => ({ key: readFileSync(cert.keyFile), cert: cert.cert });

async function relayAndSpooler(
  relayOpts: Parameters<typeof startTestRelay>[0],
  settings: Record<string, string>,
): Promise<{ relay: TestRelay; spooler: SpoolerUnderTest }> {
  const relay = await startTestRelay(relayOpts);
  open.push(relay);
  const spooler = await startTestSpooler(server.url, server.secret, relay.port, settings);
  open.push(spooler);
  return { relay, spooler };
}

async function deferredCount(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('spooler_messages_total{result="deferred"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('relay with TLS and AUTH', () => {
  it('STARTTLS required + AUTH: sent over TLS with the credentials (password from a file)', async () => {
    const pwFile = join(cert.dir, 'relay.pw');
    writeFileSync(pwFile, 'relay-secret\n', { mode: 0o600 });
    const { relay } = await relayAndSpooler(
      { tls: tls(), auth: { user: 'spool', pass: 'relay-secret' } },
      {
        KGC_SMTP_TLS: 'starttls',
        KGC_SMTP_TLS_CA_FILE: cert.certFile,
        KGC_SMTP_USERNAME: 'spool',
        KGC_SMTP_PASSWORD_FILE: pwFile,
      },
    );
    const a = `${uniq('r')}@example.org`;
    await submit(dave, mail({ from: dave.email, to: a }));
    const [got] = await relay.waitFor(1);
    expect(got?.to).toEqual([a]);
  });

  it('implicit TLS (smtp_tls = tls)', async () => {
    const { relay } = await relayAndSpooler(
      { tls: { ...tls(), secure: true } },
      { KGC_SMTP_TLS: 'tls', KGC_SMTP_TLS_CA_FILE: cert.certFile },
    );
    const a = `${uniq('r')}@example.org`;
    await submit(dave, mail({ from: dave.email, to: a }));
    expect((await relay.waitFor(1))[0]?.to).toEqual([a]);
  });

  it('a wrong relay password, or a certificate not trusted: deferred, nothing bounced', async () => {
    const bad = await relayAndSpooler(
      { tls: tls(), auth: { user: 'spool', pass: 'right' } },
      {
        KGC_SMTP_TLS: 'starttls',
        KGC_SMTP_TLS_CA_FILE: cert.certFile,
        KGC_SMTP_USERNAME: 'spool',
        KGC_SMTP_PASSWORD: 'wrong',
      },
    );
    const untrusted = await relayAndSpooler({ tls: tls() }, { KGC_SMTP_TLS: 'starttls' });
    const inboxBefore = (await dave.session.call('getFolderStatus', { folderId: dave.folder('inbox') })).folder
      .messages;
    await submit(dave, mail({ from: dave.email, to: `${uniq('r')}@example.org` }));
    await eventually(async () =>
      (await deferredCount(bad.spooler.metricsUrl)) >= 1 && (await deferredCount(untrusted.spooler.metricsUrl)) >= 1
        ? true
        : undefined,
    );
    expect(bad.relay.received).toHaveLength(0);
    expect(untrusted.relay.received).toHaveLength(0);
    expect((await dave.session.call('getFolderStatus', { folderId: dave.folder('inbox') })).folder.messages).toBe(
      inboxBefore,
    );
  });
});
