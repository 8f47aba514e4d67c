/**
 * Server benchmark on MariaDB: SOAP logon/s, message creates/s (4 KB messages, 8 concurrent
 * clients) and contents-table rows/s for a 10,000-message folder. The server runs as its own
 * process (the built program) so that client and server do not share a core.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoapClient, serviceLogon, userLogon } from '@kgc/soap';
import { createMysqlDatabase, dropMysqlDatabase, mysqlServerEnv } from '../support/server.js';
import { spawnServer } from '../support/server-process.js';
import { fmt, MYSQL_SOCKET, message4k, runLoad } from './lib.js';

export async function benchServer(): Promise<string[]> {
  const out: string[] = [];
  const db = await createMysqlDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'kgc-bench-'));
  const secret = randomBytes(16).toString('hex');
  const server = await spawnServer(
    mysqlServerEnv(db, dir, secret),
    60_000,
    existsSync('services/server/dist/main.js') ? 'dist' : 'source',
  );
  try {
    const client = new SoapClient({ url: server.url });
    const admin = await serviceLogon(client, secret);
    await admin.call('createUser', {
      user: { username: 'bench', password: 'bench-pw', fullName: 'Bench', aliases: [] },
    });

    const COLD = 20;
    for (let i = 0; i < COLD; i++) {
      await admin.call('createUser', {
        user: { username: `cold${i}`, password: `pw-${i}`, fullName: 'Cold', aliases: [] },
      });
    }
    const cold = await runLoad(COLD, 2, async (i) => {
      await userLogon(client, `cold${i}`, `pw-${i}`);
    });
    out.push(`logon, first time per user (Argon2id m=19 MiB t=2 verify), 2 concurrent: ${fmt(cold, 'logons')}`);
    const warm = await runLoad(2000, 8, async () => {
      await userLogon(client, 'bench', 'bench-pw');
    });
    out.push(`logon, 8 concurrent (verified-password cache warm): ${fmt(warm, 'logons')}`);

    const { creates, first, inbox, clients } = await createLoad(server.url);
    out.push(`createMessage 4 KB, 8 concurrent clients, loopback TCP: ${fmt(creates, 'messages')}`);

    const columns = ['uid', 'flags', 'size', 'internalDate', 'subject', 'fromAddr', 'imapEnvelope'];
    const t0 = performance.now();
    let rows = 0;
    const runs = 5;
    for (let r = 0; r < runs; r++) {
      const res = await first.call('tableQueryRows', { folderId: inbox, columns, sort: [], limit: 10_000 });
      rows += res.rows.length;
    }
    const secs = (performance.now() - t0) / 1000;
    out.push(
      `tableQueryRows, 10,000-row folder, ${columns.length} columns incl. ENVELOPE: ${rows} rows in ${secs.toFixed(2)} s = ${(rows / secs).toFixed(0)} rows/s (${((secs / runs) * 1000).toFixed(0)} ms per full-folder call)`,
    );
    const t1 = performance.now();
    const slim = await first.call('tableQueryRows', {
      folderId: inbox,
      columns: ['uid', 'flags'],
      sort: [],
      limit: 10_000,
    });
    const s1 = (performance.now() - t1) / 1000;
    out.push(
      `tableQueryRows uid+flags: ${slim.rows.length} rows in ${(s1 * 1000).toFixed(0)} ms = ${(slim.rows.length / s1).toFixed(0)} rows/s`,
    );
    for (const c of clients) c.close();
    client.close();
  } finally {
    await server.kill();
    await dropMysqlDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
  out.push(await benchCreatesSameHost());
  return out;
}

/**
 * 8 clients logged on as `bench` create 10,000 different ~4 KB messages in its Inbox (the first 200
 * warm up). The sessions' clients are returned open, for more calls.
 */
async function createLoad(url: string) {
  const clients = Array.from({ length: 8 }, () => new SoapClient({ url, maxSockets: 1 }));
  const sessions = await Promise.all(clients.map((c) => userLogon(c, 'bench', 'bench-pw')));
  const first = sessions[0];
  if (!first) throw new Error('no session');
  const { store } = await first.call('getStore', {});
  const { folders } = await first.call('getHierarchy', { storeId: store.storeId });
  const inbox = folders.find((f) => f.specialUse === 'inbox')?.folderId ?? 0;
  const msgs = Array.from({ length: 10_000 }, (_, i) => message4k(i));
  // Each call takes a free client and gives it back: 8 clients, each with one call at a time (by
  // index, two calls could land on one client and queue behind each other on its one socket).
  const free = [...sessions];
  const create = async (i: number) => {
    const s = free.pop();
    if (!s) throw new Error('no free client');
    try {
      await s.call('createMessage', { folderId: inbox, raw: msgs[i] as Buffer, flags: [], props: [] });
    } finally {
      free.push(s);
    }
  };
  await runLoad(200, 8, async (i) => {
    await create(i);
  });
  const creates = await runLoad(9_800, 8, async (i) => {
    await create(i + 200);
  });
  return { creates, first, inbox, clients };
}

/**
 * The create load again with everything on one host talking over unix sockets, as KGC installs
 * run (server_socket file:///…/server.sock, mysql_socket). A bare round trip costs about half of
 * loopback TCP's; with two round trips per batch that is within the noise here.
 */
async function benchCreatesSameHost(): Promise<string> {
  if (!existsSync(MYSQL_SOCKET)) return `createMessage over unix sockets: skipped (no ${MYSQL_SOCKET})`;
  const db = await createMysqlDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'kgc-bench-'));
  const secret = randomBytes(16).toString('hex');
  const server = await spawnServer(
    {
      ...mysqlServerEnv(db, dir, secret),
      KGC_MYSQL_SOCKET: MYSQL_SOCKET,
      KGC_SERVER_LISTEN: `unix:${join(dir, 'server.sock')}`,
    },
    60_000,
    existsSync('services/server/dist/main.js') ? 'dist' : 'source',
  );
  try {
    const admin = await serviceLogon(new SoapClient({ url: server.url }), secret);
    await admin.call('createUser', {
      user: { username: 'bench', password: 'bench-pw', fullName: 'Bench', aliases: [] },
    });
    const { creates, clients } = await createLoad(server.url);
    for (const c of clients) c.close();
    return `createMessage 4 KB, 8 concurrent clients, same host over unix sockets (SOAP and MariaDB): ${fmt(creates, 'messages')}`;
  } finally {
    await server.kill();
    await dropMysqlDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}
