import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttachmentStorage } from './config.js';
import type { Ctx } from './context.js';
import { chunks, toBuffer } from './rows.js';

/**
 * Where blob bytes live. Reference counts are always in the `blobs` table; a backend only
 * stores and frees bytes. `store` and `free` run inside the transaction that holds the blob
 * row lock, so two transactions never race on one hash.
 */
export interface BlobBackend {
  readonly kind: AttachmentStorage;
  /** Which of `hashes` already have their bytes stored. */
  present(ctx: Ctx, hashes: readonly string[]): Promise<Set<string>>;
  /** Bytes of blobs not stored yet (hash → data). */
  store(ctx: Ctx, blobs: ReadonlyMap<string, Buffer>): Promise<void>;
  read(ctx: Ctx, hash: string): Promise<Buffer | null>;
  /** Bytes of blobs whose rows this transaction deletes. */
  free(ctx: Ctx, hashes: readonly string[]): Promise<void>;
}

const CHUNK = 1024 * 1024;
/** Bytes per INSERT into blob_chunks: many small blobs share one statement, big ones get 4 chunks. */
const BYTES_PER_INSERT = 4 * CHUNK;
const ROWS_PER_INSERT = 500;

/** attachment_storage = database: 1 MiB chunks in `blob_chunks` (stays below max_allowed_packet). */
export function databaseBlobBackend(): BlobBackend {
  return {
    kind: 'database',
    async present(ctx, hashes) {
      const found = new Set<string>();
      for (const part of chunks(hashes)) {
        const rows = (await ctx.db('blob_chunks').select('hash').whereIn('hash', part).andWhere('seq', 0)) as Array<{
          hash: string;
        }>;
        for (const r of rows) found.add(r.hash);
      }
      return found;
    },
    async store(ctx, blobs) {
      let part: Array<{ hash: string; seq: number; data: Buffer }> = [];
      let bytes = 0;
      const flush = async () => {
        if (part.length > 0) await ctx.db('blob_chunks').insert(part);
        part = [];
        bytes = 0;
      };
      for (const [hash, data] of [...blobs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        for (let seq = 0, off = 0; off < data.length || seq === 0; seq++, off += CHUNK) {
          const chunk = data.subarray(off, off + CHUNK);
          if (part.length >= ROWS_PER_INSERT || (part.length > 0 && bytes + chunk.length > BYTES_PER_INSERT)) {
            await flush();
          }
          part.push({ hash, seq, data: chunk });
          bytes += chunk.length;
        }
      }
      await flush();
    },
    async read(ctx, hash) {
      const rows = (await ctx.db('blob_chunks').select('data').where('hash', hash).orderBy('seq')) as Array<{
        data: unknown;
      }>;
      if (rows.length === 0) return null;
      return Buffer.concat(rows.map((r) => toBuffer(r.data)));
    },
    async free(ctx, hashes) {
      for (const part of chunks(hashes)) await ctx.db('blob_chunks').whereIn('hash', part).delete();
    },
  };
}

function isEnoent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/**
 * attachment_storage = files: `root/ab/cd/<hash>`. New files are written to a temp file, fsynced and
 * renamed before the DB commit. Freed files are renamed to `<hash>.trash` under the row lock and
 * unlinked after commit (renamed back on rollback); readers fall back to the trash name meanwhile.
 */
export function filesBlobBackend(root: string): BlobBackend {
  const pathOf = (hash: string) => join(root, hash.slice(0, 2), hash.slice(2, 4), hash);
  const trashOf = (hash: string) => `${pathOf(hash)}.trash`;

  async function exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (err) {
      if (isEnoent(err)) return false;
      throw err;
    }
  }

  async function fsyncDir(dir: string): Promise<void> {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async function storeFile(hash: string, data: Buffer): Promise<void> {
    const path = pathOf(hash);
    const dir = join(root, hash.slice(0, 2), hash.slice(2, 4));
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    const fh = await open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, path);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    await fsyncDir(dir);
  }

  return {
    kind: 'files',
    async present(_ctx, hashes) {
      const found = new Set<string>();
      for (const part of chunks(hashes, 64)) {
        const flags = await Promise.all(part.map((h) => exists(pathOf(h))));
        part.forEach((h, i) => {
          if (flags[i]) found.add(h);
        });
      }
      return found;
    },
    async store(_ctx, blobs) {
      for (const part of chunks([...blobs], 64)) await Promise.all(part.map(([hash, data]) => storeFile(hash, data)));
    },
    async read(_ctx, hash) {
      for (const path of [pathOf(hash), trashOf(hash)]) {
        try {
          return await readFile(path);
        } catch (err) {
          if (!isEnoent(err)) throw err;
        }
      }
      return null;
    },
    async free(ctx, hashes) {
      for (const hash of hashes) {
        try {
          await rename(pathOf(hash), trashOf(hash));
        } catch (err) {
          if (!isEnoent(err)) throw err;
          continue;
        }
        ctx.onCommit(() => unlink(trashOf(hash)).catch((e) => (isEnoent(e) ? undefined : Promise.reject(e))));
        ctx.onRollback(() =>
          rename(trashOf(hash), pathOf(hash)).catch((e) => (isEnoent(e) ? undefined : Promise.reject(e))),
        );
      }
    },
  };
}
