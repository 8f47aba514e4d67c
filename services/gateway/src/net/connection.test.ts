/**
 * Connection writes against a client that stops reading, over a real loopback socket: the data
 * goes in write chunks, each after 'drain', so the process never queues more than about one chunk
 * (plus the socket's high-water mark) however big the write; every wait removes its listeners.
 */
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@kgc/log';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

const CHUNK = 64 * 1024;
const cleanup: Array<() => void> = [];

afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A connected pair: the gateway side as a Connection, the client side as a plain socket. */
async function pair(): Promise<{ conn: Connection; socket: net.Socket; client: net.Socket; waits: number[] }> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const client = net.connect(port, '127.0.0.1');
  const [socket] = await accepted;
  const waits: number[] = [];
  const conn = new Connection(socket, {
    log: createLogger({ service: 'gateway', level: 'silent' }),
    secure: false,
    tls: undefined,
    writeChunk: CHUNK,
    onWriteWait: (queued) => waits.push(queued),
  });
  cleanup.push(() => {
    client.destroy();
    conn.destroy();
    server.close();
  });
  return { conn, socket, client, waits };
}

async function untilWaiting(conn: Connection): Promise<void> {
  while (!conn.waitingForClient) await sleep(5);
}

describe('Connection.write', () => {
  it('holds one big write back in chunks while the client does not read, then delivers it whole', async () => {
    const { conn, socket, client, waits } = await pair();
    const listeners = { close: socket.listenerCount('close'), error: socket.listenerCount('error') };
    client.pause();
    const data = Buffer.alloc(32 * 1024 * 1024, 0x61);
    let received = 0;
    client.on('data', (d: Buffer) => {
      received += d.length;
    });
    const writing = conn.write(data);
    await untilWaiting(conn);
    // Far below the 32 MiB handed over (less whatever the kernel took).
    expect(conn.queuedBytes).toBeLessThanOrEqual(CHUNK + socket.writableHighWaterMark);
    client.resume();
    await writing;
    while (received < data.length) await sleep(5);
    expect(received).toBe(data.length);
    expect(waits.length).toBeGreaterThan(0);
    for (const q of waits) expect(q).toBeLessThanOrEqual(CHUNK + socket.writableHighWaterMark);
    expect(conn.waitingForClient).toBe(false);
    // Every wait took its listeners away again.
    expect({ close: socket.listenerCount('close'), error: socket.listenerCount('error') }).toEqual(listeners);
    expect(socket.listenerCount('drain')).toBe(0);
  });

  it('many small writes: no more than the high-water mark and a chunk queued', async () => {
    const { conn, socket, client, waits } = await pair();
    client.pause();
    const line = Buffer.from(`* 1 FETCH (UID 1 BODY[] {1000}\r\n${'x'.repeat(1000)})\r\n`);
    let done = false;
    const writing = (async () => {
      for (let i = 0; i < 32_000; i++) await conn.write(line);
      done = true;
    })();
    await untilWaiting(conn);
    expect(done).toBe(false);
    expect(conn.queuedBytes).toBeLessThanOrEqual(socket.writableHighWaterMark + line.length);
    client.resume();
    await writing;
    expect(waits.length).toBeGreaterThan(0);
    expect(socket.listenerCount('drain')).toBe(0);
  });

  it('a write waiting for a client that goes away ends', async () => {
    const { conn, socket, client } = await pair();
    const listeners = socket.listenerCount('close');
    client.pause();
    const writing = conn.write(Buffer.alloc(32 * 1024 * 1024));
    await untilWaiting(conn);
    client.destroy();
    await writing;
    expect(conn.closed).toBe(true);
    expect(socket.listenerCount('close')).toBeLessThanOrEqual(listeners);
  });
});
