/**
 * The files blob backend's disk work, done by a few worker threads with synchronous system calls.
 *
 * Writing one blob durably is ten calls (stat, mkdir, open, write, fsync, close, rename, open dir,
 * fsync dir, close). Through `fs/promises` each is a trip through libuv's thread pool and back,
 * and on a virtual machine every such wake-up costs more CPU than the call itself. A worker does
 * the whole sequence for a job and answers once, so the event loop pays one message per job.
 */
import { Worker } from 'node:worker_threads';

/** Worker threads (jobs run in parallel up to this, fsyncs included). */
export const BLOB_FILE_WORKERS = 4;

/**
 * Job code, CommonJS, run with `eval` (so it works from the build and from source alike).
 * `present`: which paths exist. `ensure`: for each [path, bytes] that does not exist, write a temp
 * file, fsync it, rename it into place and fsync the directory (and the parents of new directories).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname } = require('node:path');
const { randomBytes } = require('node:crypto');
const made = new Set();
function exists(p) {
  try { fs.statSync(p); return true; } catch (e) { if (e.code === 'ENOENT') return false; throw e; }
}
function syncDir(d) {
  const fd = fs.openSync(d, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}
function ensure(path, data) {
  if (exists(path)) return;
  const dir = dirname(path);
  if (!made.has(dir)) {
    // New directories must be durable too: fsync the parents of whatever mkdir created.
    const first = fs.mkdirSync(dir, { recursive: true });
    if (first) for (let d = dir; ; d = dirname(d)) { syncDir(dirname(d)); if (d === first) break; }
    made.add(dir);
  }
  const tmp = path + '.tmp-' + randomBytes(6).toString('hex');
  const fd = fs.openSync(tmp, 'wx', 0o640);
  try {
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
  } finally { fs.closeSync(fd); }
  try { fs.renameSync(tmp, path); } catch (e) { try { fs.unlinkSync(tmp); } catch {} throw e; }
  syncDir(dir);
}
parentPort.on('message', (job) => {
  try {
    if (job.op === 'present') parentPort.postMessage({ id: job.id, present: job.paths.map(exists) });
    else {
      for (const [path, data] of job.items) ensure(path, data);
      parentPort.postMessage({ id: job.id, present: [] });
    }
  } catch (e) {
    parentPort.postMessage({ id: job.id, error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

type Job = { op: 'present'; paths: string[] } | { op: 'ensure'; items: Array<[string, Uint8Array]> };

interface Reply {
  id: number;
  present?: boolean[];
  error?: { message: string; code?: string };
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(v: boolean[]): void; reject(e: unknown): void }>;
}

/** A filesystem error as thrown by fs (message and code kept). */
function fsError(e: { message: string; code?: string }): Error {
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}

export class BlobFileWorkers {
  private slots: Array<Slot | undefined> = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly size = BLOB_FILE_WORKERS) {}

  /** Which of `paths` exist (one job). */
  present(paths: string[]): Promise<boolean[]> {
    return paths.length === 0 ? Promise.resolve([]) : this.run({ op: 'present', paths });
  }

  /** Writes each missing file durably; the items are spread over the workers. */
  async ensure(items: ReadonlyArray<readonly [string, Buffer]>): Promise<void> {
    if (items.length === 0) return;
    const per = Math.ceil(items.length / this.size);
    const jobs: Promise<boolean[]>[] = [];
    for (let i = 0; i < items.length; i += per) {
      // A Buffer may view a larger pooled ArrayBuffer, which postMessage would copy whole.
      const part = items
        .slice(i, i + per)
        .map(([p, d]): [string, Uint8Array] => [p, d.byteLength === d.buffer.byteLength ? d : Uint8Array.from(d)]);
      jobs.push(this.run({ op: 'ensure', items: part }));
    }
    await Promise.all(jobs);
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.filter((s): s is Slot => s !== undefined);
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private run(job: Job): Promise<boolean[]> {
    if (this.closed) return Promise.reject(new Error('blob file workers closed'));
    const slot = this.pick();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage({ id, ...job });
    });
  }

  /** The least busy worker, started on first use. */
  private pick(): Slot {
    let best: number | undefined;
    for (let i = 0; i < this.size; i++) {
      const s = this.slots[i];
      if (!s) {
        best = i;
        break;
      }
      const b = best === undefined ? undefined : this.slots[best];
      if (!b || s.pending.size < b.pending.size) best = i;
    }
    const i = best ?? 0;
    return this.slots[i] ?? this.start(i);
  }

  private start(i: number): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (err: unknown) => {
      if (this.slots[i] === slot) this.slots[i] = undefined;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    worker.on('message', (r: Reply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      if (slot.pending.size === 0) worker.unref();
      if (r.error) p.reject(fsError(r.error));
      else p.resolve(r.present ?? []);
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`blob file worker exited with ${code}`)));
    this.slots[i] = slot;
    return slot;
  }
}
