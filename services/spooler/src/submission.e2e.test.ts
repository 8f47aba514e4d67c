/**
 * SMTP submission (RFC 6409) end to end: nodemailer and Python's smtplib submit over STARTTLS
 * with AUTH; the message lands in Sent Items and at the relay (via the queue and the spooler).
 * Wrong passwords, forged senders, oversized messages and plaintext AUTH get their SMTP codes.
 */
import { rmSync } from 'node:fs';
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { makeTestCert, type TestCert } from '../../../test/support/tls.js';
import {
  createMailUser,
  eventually,
  type MailUser,
  mail,
  messagesIn,
  type SpoolerUnderTest,
  startTestSpooler,
  uniq,
} from './testing/harness.js';
import { startTestRelay, type TestRelay } from './testing/relay.js';
import { RawSmtp, submitNodemailer, submitPython } from './testing/submission-clients.js';

const MAX = 64 * 1024;
let server: TestServer;
let admin: KgcSession;
let relay: TestRelay;
let spooler: SpoolerUnderTest;
let cert: TestCert;
let bob: MailUser;
let port: number;

beforeAll(async () => {
  cert = makeTestCert();
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  relay = await startTestRelay();
  spooler = await startTestSpooler(server.url, server.secret, relay.port, {
    KGC_SUBMISSION_LISTEN: '127.0.0.1:0',
    KGC_SUBMISSION_SSL_KEY_FILE: cert.keyFile,
    KGC_SUBMISSION_SSL_CERT_FILE: cert.certFile,
    KGC_SUBMISSION_MAX_MESSAGESIZE: String(MAX),
    KGC_SMTP_HELO_NAME: 'submit.test',
  });
  port = spooler.submissionPort;
  bob = await createMailUser(server.url, server.secret, admin);
});

afterAll(async () => {
  await spooler?.close();
  await relay?.close();
  await server?.close();
  if (cert) rmSync(cert.dir, { recursive: true, force: true });
});

const ext = () => `${uniq('r')}@example.org`;
const to = (rcpt: string) => relay.received.filter((r) => r.to.includes(rcpt));
const arrived = (rcpt: string) => eventually(async () => (to(rcpt).length > 0 ? to(rcpt) : undefined));
const sentCopy = async (u: MailUser, marker: string) =>
  eventually(async () => (await messagesIn(u, 'sent')).find((m) => m.raw.includes(marker)));

describe('SMTP submission', () => {
  it('greets, offers AUTH PLAIN LOGIN only after STARTTLS, and wants AUTH before MAIL', async () => {
    const c = await RawSmtp.connect(port);
    try {
      expect(await c.reply()).toMatch(/^220 submit\.test /);
      const ehlo = await c.command('EHLO raw.test');
      expect(ehlo).toMatch(/^250[- ]STARTTLS$/m);
      expect(ehlo).toMatch(new RegExp(`^250[- ]SIZE ${MAX}$`, 'm'));
      expect(ehlo).not.toMatch(/AUTH/);
      expect(await c.command('AUTH PLAIN AHUAcA==')).toMatch(/^538 /);
      expect(await c.command('MAIL FROM:<x@example.com>')).toMatch(/^530 5\.7\.0 /);
      expect(await c.command('STARTTLS')).toMatch(/^220 /);
      await c.upgrade(cert.cert);
      const ehlo2 = await c.command('EHLO raw.test');
      expect(ehlo2).toMatch(/^250[- ]AUTH PLAIN LOGIN$/m);
      expect(ehlo2).not.toMatch(/STARTTLS/);
    } finally {
      c.close();
    }
  });

  it('nodemailer (AUTH PLAIN): the envelope decides the recipients; stored in Sent Items and relayed as stored', async () => {
    const [a, hidden] = [ext(), ext()];
    const marker = uniq('nm');
    const raw = mail({ from: `Bob <${bob.email}>`, to: a, subject: marker });
    const r = await submitNodemailer({
      port,
      user: bob.username,
      password: bob.password,
      from: bob.email,
      to: [a, hidden],
      raw,
      ca: cert.cert,
      method: 'PLAIN',
    });
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && r.response).toMatch(/^250 2\.0\.0 Ok: queued as \d+/);
    const stored = await sentCopy(bob, marker);
    expect(stored.raw.equals(raw)).toBe(true);
    const [got] = await arrived(a);
    expect(got?.from).toBe(bob.email);
    expect(got?.to).toEqual([a, hidden]);
    expect(got?.raw.equals(raw)).toBe(true);
    // Already in Sent Items: it stays there (one copy).
    await eventually(async () => ((await admin.call('getQueueStatus', {})).entries === 0 ? true : undefined));
    expect((await messagesIn(bob, 'sent')).filter((m) => m.raw.includes(marker))).toHaveLength(1);
  });

  it('Python smtplib (AUTH LOGIN, login by email): Date and Message-ID added, the Sent copy is what was relayed', async () => {
    const a = ext();
    const marker = uniq('py');
    const raw = mail({ from: bob.email, to: a, subject: marker, date: null, messageId: null });
    const r = await submitPython({
      port,
      user: bob.email,
      password: bob.password,
      from: bob.email,
      to: [a],
      raw,
      cafile: cert.certFile,
      method: 'LOGIN',
    });
    expect(r.error).toBeUndefined();
    expect(r.login?.[0]).toBe(235);
    expect(r.data?.[0]).toBe(250);
    const [got] = await arrived(a);
    const stored = await sentCopy(bob, marker);
    expect(got?.raw.equals(stored.raw)).toBe(true);
    expect(stored.raw.toString()).toMatch(/^Date: .*\r\nMessage-ID: <[0-9a-f]{32}@submit\.test>\r\n/);
  });

  it('a wrong password is 535 5.7.8; the third failure closes the connection with 421', async () => {
    const raw = mail({ from: bob.email, to: ext() });
    const nm = await submitNodemailer({
      port,
      user: bob.username,
      password: 'wrong',
      from: bob.email,
      to: [ext()],
      raw,
      ca: cert.cert,
    });
    expect(nm).toMatchObject({ ok: false, code: 535, errCode: 'EAUTH' });
    const py = await submitPython({
      port,
      user: bob.username,
      password: 'wrong',
      from: bob.email,
      to: [ext()],
      raw,
      cafile: cert.certFile,
    });
    expect(py.login?.[0]).toBe(535);
    expect(py.login?.[1]).toMatch(/^5\.7\.8 /);
    const c = await RawSmtp.connect(port);
    try {
      await c.reply();
      await c.command('EHLO raw.test');
      await c.command('STARTTLS');
      await c.upgrade(cert.cert);
      await c.command('EHLO raw.test');
      const plain = Buffer.from(`\0${bob.username}\0nope`).toString('base64');
      expect(await c.command(`AUTH PLAIN ${plain}`)).toMatch(/^535 5\.7\.8 /);
      expect(await c.command(`AUTH PLAIN ${plain}`)).toMatch(/^535 5\.7\.8 /);
      expect(await c.command(`AUTH PLAIN ${plain}`)).toMatch(/^421 4\.7\.0 /);
    } finally {
      c.close();
    }
  });

  it('MAIL FROM not the user’s: 553 5.7.1; a forged From header: 550 5.7.1; nothing stored or relayed', async () => {
    const other = await createMailUser(server.url, server.secret, admin);
    const a = ext();
    const marker = uniq('forged');
    const envForged = await submitNodemailer({
      port,
      user: bob.username,
      password: bob.password,
      from: other.email,
      to: [a],
      raw: mail({ from: bob.email, to: a, subject: marker }),
      ca: cert.cert,
    });
    expect(envForged).toMatchObject({ ok: false, code: 553 });
    expect(!envForged.ok && envForged.response).toMatch(/^553 5\.7\.1 /);
    const py = await submitPython({
      port,
      user: bob.username,
      password: bob.password,
      from: bob.email,
      to: [a],
      raw: mail({ from: `Other <${other.email}>`, to: a, subject: marker }),
      cafile: cert.certFile,
    });
    expect(py.data?.[0]).toBe(550);
    expect(py.data?.[1]).toMatch(/^5\.7\.1 /);
    expect((await messagesIn(bob, 'sent')).filter((m) => m.raw.includes(marker))).toHaveLength(0);
    // With send-as, the same message goes.
    await admin.call('addSendAsUser', { username: other.username, sendAs: bob.username });
    const ok = await submitPython({
      port,
      user: bob.username,
      password: bob.password,
      from: other.email,
      to: [a],
      raw: mail({ from: `Other <${other.email}>`, to: a, subject: marker }),
      cafile: cert.certFile,
    });
    expect(ok.data?.[0]).toBe(250);
    expect((await arrived(a))[0]?.from).toBe(other.email);
  });

  it('an oversized message: 552 at MAIL FROM with SIZE, and 552 5.3.4 after DATA without it', async () => {
    const big = mail({ from: bob.email, to: ext(), body: 'x'.repeat(MAX + 10) });
    const py = await submitPython({
      port,
      user: bob.username,
      password: bob.password,
      from: bob.email,
      to: [ext()],
      raw: big,
      cafile: cert.certFile,
    });
    expect(py.mail?.[0]).toBe(552);
    const c = await RawSmtp.connect(port);
    try {
      await c.reply();
      await c.command('EHLO raw.test');
      await c.command('STARTTLS');
      await c.upgrade(cert.cert);
      await c.command('EHLO raw.test');
      expect(
        await c.command(`AUTH PLAIN ${Buffer.from(`\0${bob.username}\0${bob.password}`).toString('base64')}`),
      ).toMatch(/^235 /);
      expect(await c.command(`MAIL FROM:<${bob.email}>`)).toMatch(/^250 /);
      expect(await c.command(`RCPT TO:<${ext()}>`)).toMatch(/^250 /);
      expect(await c.command('DATA')).toMatch(/^354 /);
      c.write(Buffer.concat([big, Buffer.from('\r\n.\r\n')]));
      expect(await c.reply()).toMatch(/^552 /);
      expect(await c.command(`RCPT TO:<not an address>`)).toMatch(/^5\d\d /);
    } finally {
      c.close();
    }
  });

  it('over the soft quota: 552 5.2.2, nothing stored', async () => {
    const carol = await createMailUser(server.url, server.secret, admin);
    await admin.call('SetQuota', { username: carol.username, quota: { override: true, warn: 0, soft: 1, hard: 0 } });
    await carol.session.call('createMessage', {
      folderId: carol.folder('inbox'),
      raw: mail({ body: 'fill' }),
      flags: [],
      props: [],
    });
    const r = await submitNodemailer({
      port,
      user: carol.username,
      password: carol.password,
      from: carol.email,
      to: [ext()],
      raw: mail({ from: carol.email, to: ext() }),
      ca: cert.cert,
    });
    expect(r).toMatchObject({ ok: false, code: 552 });
    expect(!r.ok && r.response).toMatch(/^552 5\.2\.2 /);
    expect(await messagesIn(carol, 'sent')).toHaveLength(0);
  });
});
