/**
 * Two kgc-server processes on one MariaDB and the real NATS: sessions and data are shared, a long
 * poll on one replica wakes on a change made through the other, and sessions survive a restart.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KgcSession, SoapClient, serviceLogon, userLogon } from '@kgc/soap';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, dropMysqlDatabase, mysqlServerEnv } from '../support/server.js';
import { type ServerProcess, spawnServer } from '../support/server-process.js';

describe('two server replicas on one MariaDB + NATS', () => {
  let db: string;
  let dir: string;
  let env: Record<string, string>;
  let prefix = '';
  let a: ServerProcess;
  let b: ServerProcess;
  const secret = randomBytes(16).toString('hex');

  beforeAll(async () => {
    db = await createMysqlDatabase();
    dir = mkdtempSync(join(tmpdir(), 'kgc-replicas-'));
    prefix = `t${randomBytes(4).toString('hex')}`;
    env = {
      ...mysqlServerEnv(db, dir, secret),
      KGC_NATS_URL: 'nats://127.0.0.1:4222',
      KGC_NATS_SUBJECT_PREFIX: prefix,
      KGC_NATS_STREAM_PREFIX: prefix,
    };
    // One after the other: both run the migrations check at start.
    a = await spawnServer({ ...env, KGC_SERVER_NAME: 'replica-a' });
    b = await spawnServer({ ...env, KGC_SERVER_NAME: 'replica-b' });
  }, 120_000);

  afterAll(async () => {
    await a?.kill();
    await b?.kill();
    if (db) await dropMysqlDatabase(db);
    const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(`${prefix}_WORK`).catch(() => false);
    await nc.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the same sessions and data from both processes, and wakes long polls across them', async () => {
    const ca = new SoapClient({ url: a.url });
    const cb = new SoapClient({ url: b.url });
    const admin = await serviceLogon(ca, secret);
    await admin.call('createUser', { user: { username: 'rita', password: 'pw1', fullName: 'Rita', aliases: [] } });

    // A session opened on A works on B.
    const onA = await userLogon(ca, 'rita', 'pw1');
    const onB = new KgcSession(cb, onA.id);
    const { store } = await onB.call('getStore', {});
    const { folders } = await onB.call('getHierarchy', { storeId: store.storeId });
    const inbox = folders.find((f) => f.specialUse === 'inbox');
    expect(inbox).toBeDefined();
    const folderId = inbox?.folderId ?? 0;

    // A long poll parked on B wakes when a message is stored through A (notice over NATS).
    const before = await onB.call('getFolderStatus', { folderId });
    const started = Date.now();
    const poll = onB.call('notifyGetItems', {
      storeId: store.storeId,
      sinceModseq: before.folder.highestModseq,
      timeoutSeconds: 30,
    });
    await new Promise((r) => setTimeout(r, 300));
    const raw = Buffer.from('Subject: across replicas\r\n\r\nhello\r\n');
    const created = await onA.call('createMessage', { folderId, raw, flags: [], props: [] });
    const woke = await poll;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(woke.changes.some((c) => c.kind === 'message-new' && c.messageId === created.messageId)).toBe(true);

    // Data written through A is read back byte-exact through B.
    const { message } = await onB.call('loadObject', { messageId: created.messageId, withRaw: true, sections: [] });
    expect(message.raw?.equals(raw)).toBe(true);
    ca.close();
    cb.close();
  });

  it('keeps sessions across a restart of a replica', async () => {
    const ca = new SoapClient({ url: a.url });
    const s = await userLogon(ca, 'rita', 'pw1');
    await a.kill();
    a = await spawnServer({ ...env, KGC_SERVER_NAME: 'replica-a2' });
    const again = new KgcSession(new SoapClient({ url: a.url }), s.id);
    const info = await again.call('getSessionInfo', {});
    expect(info.info.username).toBe('rita');
    again.client.close();
    ca.close();
  }, 120_000);
});
