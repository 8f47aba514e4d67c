/**
 * IDLE across replicas through NATS: the server announces changes on its NATS bus; two gateway
 * replicas, each with a NATS connection of its own, push a delivery made through SOAP to idling
 * sessions on both. The deployment's subjects and stream get a prefix of their own.
 */
import { randomBytes } from 'node:crypto';
import { type Bus, createNatsBus } from '@kgc/bus';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  makeMessage,
  putMessage,
  RawClient,
  startTestGateway,
} from '../testing/harness.js';

const NATS_URL = 'nats://127.0.0.1:4222';
const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
const ns = { streamPrefix: `GWTEST_${id}`, subjectPrefix: `gwtest.${id}` };

let server: TestServer;
const buses: Bus[] = [];
const gateways: GatewayUnderTest[] = [];

async function natsBus(): Promise<Bus> {
  const bus = await createNatsBus({ url: NATS_URL, name: 'gateway-test', closeTimeoutMs: 2000, ...ns });
  buses.push(bus);
  return bus;
}

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite', bus: await natsBus() });
  for (let i = 0; i < 2; i++) gateways.push(await startTestGateway(server.url, {}, { bus: await natsBus() }));
});

afterAll(async () => {
  for (const g of gateways) await g.close();
  await server?.close();
  for (const b of buses) await b.close();
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(`${ns.streamPrefix}_WORK`).catch(() => undefined);
  } finally {
    await nc.close();
  }
});

describe('IDLE across gateway replicas (NATS)', () => {
  it('a delivery through SOAP reaches idling sessions on both replicas', async () => {
    const admin = await server.admin();
    const u = await createMailUser(admin, ['imap']);
    const clients: RawClient[] = [];
    for (const g of gateways) {
      const c = await RawClient.connect(g.imapPort);
      await c.until(/\r\n/);
      c.send(`a LOGIN ${u.username} ${u.password}\r\nb SELECT INBOX\r\nc IDLE\r\n`);
      await c.until(/\+ idling\r\n/);
      clients.push(c);
    }
    await putMessage(admin, folderOf(u, 'inbox'), makeMessage('across replicas'));
    for (const c of clients) {
      expect(await c.until(/RECENT\r\n/)).toBe('* 1 EXISTS\r\n* 1 RECENT\r\n');
      c.send('DONE\r\n');
      expect(await c.until(/c .*\r\n/)).toBe('c OK IDLE terminated.\r\n');
      c.close();
    }
  });
});
