import { describe, expect, it } from 'vitest';
import type { CreateMessagesOptions, CreateMessagesResult, NewMessage } from './storage/message-types.js';
import type { Storage } from './storage/storage.js';
import { WriteBatcher } from './write-batcher.js';

/** A storage whose createMessages calls are held open until released, recording what ran together. */
function fakeStorage(storeOf: Record<number, number>) {
  const running: Array<{ folders: number[]; release: () => void; lastTrip: () => void }> = [];
  const log: string[] = [];
  const storage = {
    storeOfFolder: (folderId: number) => storeOf[folderId],
    blobs: { prewrite: async () => {} },
    messages: {
      createMessages: (messages: readonly NewMessage[], opts: CreateMessagesOptions = {}) =>
        new Promise<CreateMessagesResult>((resolve) => {
          const folders = messages.map((m) => m.folderId);
          log.push(`start ${folders.join(',')} with ${running.length} running`);
          const entry = {
            folders,
            lastTrip: () => opts.onLastTrip?.(),
            release: () => {
              running.splice(running.indexOf(entry), 1);
              resolve({
                results: messages.map((m, i) => ({
                  ok: true as const,
                  id: i,
                  storeId: storeOf[m.folderId] ?? 0,
                  folderId: m.folderId,
                  uid: i + 1,
                  modseq: 1,
                  blobHash: null,
                })),
                changes: [],
              });
            },
          };
          running.push(entry);
        }),
    },
  } as unknown as Storage;
  return { storage, running, log };
}

const tick = () => new Promise((r) => setImmediate(r));
const msg = (folderId: number): NewMessage => ({ folderId, mime: Buffer.from(`Subject: ${folderId}\r\n\r\n`) });

describe('WriteBatcher', () => {
  it('runs a transaction on another store beside the one in flight, and the same store after it', async () => {
    const { storage, running, log } = fakeStorage({ 10: 1, 11: 1, 20: 2 });
    const b = new WriteBatcher(storage);
    const first = b.createMessages([msg(10)]);
    await tick();
    await tick();
    expect(running).toHaveLength(1);
    const sameStore = b.createMessages([msg(11)]);
    const otherStore = b.createMessages([msg(20)]);
    await tick();
    await tick();
    // Store 2 started beside store 1; the second store-1 request waits.
    expect(log).toEqual(['start 10 with 0 running', 'start 20 with 1 running']);
    running[0]?.release();
    await first;
    await tick();
    await tick();
    expect(log[2]).toBe('start 11 with 1 running');
    for (const r of [...running]) r.release();
    await Promise.all([sameStore, otherStore]);
  });

  it('starts the next transaction on a store once the one in flight has sent its COMMIT', async () => {
    const { storage, running, log } = fakeStorage({ 10: 1, 11: 1 });
    const b = new WriteBatcher(storage);
    const first = b.createMessages([msg(10)]);
    await tick();
    await tick();
    const second = b.createMessages([msg(11)]);
    await tick();
    await tick();
    expect(log).toEqual(['start 10 with 0 running']);
    running[0]?.lastTrip();
    await tick();
    await tick();
    expect(log).toEqual(['start 10 with 0 running', 'start 11 with 1 running']);
    for (const r of [...running]) r.release();
    await Promise.all([first, second]);
  });

  it('holds a request whose store it does not know until nothing is in flight', async () => {
    const { storage, running, log } = fakeStorage({ 10: 1 });
    const b = new WriteBatcher(storage);
    const first = b.createMessages([msg(10)]);
    await tick();
    await tick();
    const unknown = b.createMessages([msg(99)]);
    await tick();
    await tick();
    expect(running).toHaveLength(1);
    running[0]?.release();
    await first;
    await tick();
    await tick();
    expect(log).toEqual(['start 10 with 0 running', 'start 99 with 0 running']);
    running[0]?.release();
    await unknown;
  });

  it('gathers requests for one store into one transaction while another runs', async () => {
    const { storage, running, log } = fakeStorage({ 10: 1, 20: 2, 21: 2 });
    const b = new WriteBatcher(storage);
    const first = b.createMessages([msg(10)]);
    await tick();
    await tick();
    const others = [b.createMessages([msg(20)]), b.createMessages([msg(21)])];
    await tick();
    await tick();
    expect(log).toEqual(['start 10 with 0 running', 'start 20,21 with 1 running']);
    for (const r of [...running]) r.release();
    await Promise.all([first, ...others]);
  });
});
