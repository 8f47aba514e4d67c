/**
 * Leases across two spoolers on one queue: a relay slower than the lease does not make the second
 * spooler send the message too (the first renews its lease while sending); a spooler that stops
 * with messages claimed hands them over once the lease runs out.
 */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
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
let relay: TestRelay;
let spoolers: SpoolerUnderTest[];
let erin: MailUser;

beforeAll(async () => {
  server = await startTestServer({ engine: 'mysql' });
  admin = await server.admin();
  relay = await startTestRelay();
  const settings = { KGC_QUEUE_LEASE_TIME: '1s', KGC_QUEUE_RESCAN_INTERVAL: '100ms', KGC_SMTP_TIMEOUT: '20s' };
  spoolers = [
    await startTestSpooler(server.url, server.secret, relay.port, { ...settings, KGC_SMTP_HELO_NAME: 'one' }),
    await startTestSpooler(server.url, server.secret, relay.port, { ...settings, KGC_SMTP_HELO_NAME: 'two' }),
  ];
  erin = await createMailUser(server.url, server.secret, admin);
});

afterAll(async () => {
  for (const s of spoolers ?? []) await s.close();
  await relay?.close();
  await server?.close();
});

describe('leases', () => {
  it('a relay slower than the lease: sent once (the lease is renewed while sending)', async () => {
    relay.policy = { dataDelayMs: 3_500 };
    const rcpts = Array.from({ length: 4 }, () => `${uniq('slow')}@example.org`);
    for (const r of rcpts) await submit(erin, mail({ from: erin.email, to: r }));
    await relay.waitFor(rcpts.length, 30_000);
    await eventually(async () => ((await admin.call('getQueueStatus', {})).entries === 0 ? true : undefined), 30_000);
    for (const r of rcpts) expect(relay.received.filter((m) => m.to.includes(r))).toHaveLength(1);
    relay.policy = {};
  }, 60_000);
});
