import { readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobFileWorkers } from './blob-file-workers.js';
import type { AttachmentStorage } from './config.js';
import type { Ctx } from './context.js';
import { chunks, toBuffer } from './rows.js';
import { runStatements, type Statement } from './statement-batch.js';

/**
 * Where blob bytes live. Reference counts are always in the `blobs` table; a backend only
 * stores and frees bytes. `store` and `free` run inside the transaction that holds the blob
 * row lock, so two transactions never race on one hash.
 */
export interface BlobBackend {
  readonly kind: AttachmentStorage;
  /** Files backend: blobs up to this size live in the database (written inside the transaction). */
  readonly inlineMax?: number;
  /** Which of `hashes` already have their bytes stored. */
  present(ctx: Ctx, hashes: readonly string[]): Promise<Set<string>>;
  /** Bytes of blobs not stored yet (hash → data); the files backend leaves existing files alone. */
  store(ctx: Ctx, blobs: ReadonlyMap<string, Buffer>): Promise<void>;
  read(ctx: Ctx, hash: string): Promise<Buffer | null>;
  /** Bytes of many blobs at once (a FETCH or POP3 window): few queries, not one per blob. Missing ones are left out. */
  readMany(ctx: Ctx, hashes: readonly string[]): Promise<Map<string, Buffer>>;
  /** Bytes of blobs whose rows this transaction deletes. */
  free(ctx: Ctx, hashes: readonly string[]): Promise<void>;
  /**
   * Statements that store some of `blobs` inside the caller's statement batch (safe if a concurrent
   * transaction stored the same bytes first); the others are returned for store().
   */
  batchable?(ctx: Ctx, blobs: ReadonlyMap<string, Buffer>): { statements: Statement[]; rest: Map<string, Buffer> };
  /** Releases what the backend holds (worker threads). */
  close?(): Promise<void>;
}

const CHUNK = 1024 * 1024;
/** Bytes per INSERT into blob_chunks: many small blobs share one statement, big ones get 4 chunks. */
const BYTES_PER_INSERT = 4 * CHUNK;
const ROWS_PER_INSERT = 500;
/** Hashes per query when reading many blobs (callers bound the bytes: loadMessages takes at most MAX_LOAD_MESSAGES, searchBodies reads in groups). */
const READ_MANY_HASHES = 100;

/** Bytes of blob data one statement batch carries (the rest is stored with separate statements). */
const BATCH_BYTES = 4 * CHUNK;

/** The `blob_chunks` inserts of `blobs`, grouped into statements. Rows already there are kept. */
function chunkInserts(ctx: Ctx, blobs: ReadonlyMap<string, Buffer>): Statement[] {
  const out: Statement[] = [];
  let part: Array<{ hash: string; seq: number; data: Buffer }> = [];
  let bytes = 0;
  const flush = () => {
    // Ignore: identical bytes (same hash) a concurrent transaction stored first.
    if (part.length > 0) out.push(ctx.db('blob_chunks').insert(part).onConflict(['hash', 'seq']).ignore());
    part = [];
    bytes = 0;
  };
  for (const [hash, data] of [...blobs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (let seq = 0, off = 0; off < data.length || seq === 0; seq++, off += CHUNK) {
      const chunk = data.subarray(off, off + CHUNK);
      if (part.length >= ROWS_PER_INSERT || (part.length > 0 && bytes + chunk.length > BYTES_PER_INSERT)) flush();
      part.push({ hash, seq, data: chunk });
      bytes += chunk.length;
    }
  }
  flush();
  return out;
}

/** Splits `blobs` into those a statement batch can carry (up to BATCH_BYTES in all) and the rest. */
function takeForBatch(blobs: ReadonlyMap<string, Buffer>): { take: Map<string, Buffer>; rest: Map<string, Buffer> } {
  const take = new Map<string, Buffer>();
  const rest = new Map<string, Buffer>();
  let bytes = 0;
  for (const [hash, data] of blobs) {
    if (bytes + data.length <= BATCH_BYTES) {
      take.set(hash, data);
      bytes += data.length;
    } else rest.set(hash, data);
  }
  return { take, rest };
}

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
      await runStatements(ctx, chunkInserts(ctx, blobs));
    },
    batchable(ctx, blobs) {
      const { take, rest } = takeForBatch(blobs);
      return { statements: chunkInserts(ctx, take), rest };
    },
    async read(ctx, hash) {
      const rows = (await ctx.db('blob_chunks').select('data').where('hash', hash).orderBy('seq')) as Array<{
        data: unknown;
      }>;
      if (rows.length === 0) return null;
      return Buffer.concat(rows.map((r) => toBuffer(r.data)));
    },
    async readMany(ctx, hashes) {
      const out = new Map<string, Buffer>();
      // Every part in one round trip (MySQL).
      const results = await runStatements(
        ctx,
        chunks([...new Set(hashes)], READ_MANY_HASHES).map((part) =>
          ctx
            .db('blob_chunks')
            .select('hash', 'data')
            .whereIn('hash', part)
            .orderBy([
              { column: 'hash', order: 'asc' },
              { column: 'seq', order: 'asc' },
            ]),
        ),
      );
      for (const rows of results) {
        const pieces = new Map<string, Buffer[]>();
        for (const r of rows as Array<{ hash: string; data: unknown }>) {
          const list = pieces.get(r.hash);
          if (list) list.push(toBuffer(r.data));
          else pieces.set(r.hash, [toBuffer(r.data)]);
        }
        for (const [hash, list] of pieces) out.set(hash, list.length === 1 ? (list[0] as Buffer) : Buffer.concat(list));
      }
      return out;
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
 *
 * Blobs of at most `inlineMax` bytes stay in the database (`blob_chunks`), as KGC keeps message
 * bodies in the database and only attachments in files: a small message then costs no file, no
 * fsync of its own and no directory entry. Reads look in the database first, then in the files,
 * so changing the threshold never strands a blob.
 */
export function filesBlobBackend(root: string, inlineMax = 0): BlobBackend {
  const pathOf = (hash: string) => join(root, hash.slice(0, 2), hash.slice(2, 4), hash);
  const trashOf = (hash: string) => `${pathOf(hash)}.trash`;
  const inline = databaseBlobBackend();
  const isSmall = (size: number) => inlineMax > 0 && size <= inlineMax;
  const workers = new BlobFileWorkers();
  /** A blob's file, or its trash name while a delete is not committed yet; null when neither. */
  const readBlobFile = async (hash: string): Promise<Buffer | null> => {
    for (const path of [pathOf(hash), trashOf(hash)]) {
      try {
        return await readFile(path);
      } catch (err) {
        if (!isEnoent(err)) throw err;
      }
    }
    return null;
  };

  return {
    kind: 'files',
    inlineMax,
    async present(ctx, hashes) {
      const found = inlineMax > 0 ? await inline.present(ctx, hashes) : new Set<string>();
      const rest = hashes.filter((h) => !found.has(h));
      const flags = await workers.present(rest.map(pathOf));
      for (const [i, h] of rest.entries()) if (flags[i]) found.add(h);
      return found;
    },
    async store(ctx, blobs) {
      const small = new Map([...blobs].filter(([, data]) => isSmall(data.length)));
      await inline.store(ctx, small);
      const large = [...blobs].filter(([hash]) => !small.has(hash));
      await workers.ensure(large.map(([hash, data]) => [pathOf(hash), data] as const));
    },
    batchable(ctx, blobs) {
      const small = new Map([...blobs].filter(([, data]) => isSmall(data.length)));
      const { take, rest } = takeForBatch(small);
      for (const [hash, data] of blobs) if (!take.has(hash)) rest.set(hash, data);
      return { statements: chunkInserts(ctx, take), rest };
    },
    async read(ctx, hash) {
      return (await inline.read(ctx, hash)) ?? (await readBlobFile(hash));
    },
    async readMany(ctx, hashes) {
      const out = await inline.readMany(ctx, hashes);
      const rest = [...new Set(hashes)].filter((h) => !out.has(h));
      const files = await Promise.all(rest.map(readBlobFile));
      for (const [i, hash] of rest.entries()) {
        const data = files[i];
        if (data) out.set(hash, data);
      }
      return out;
    },
    async free(ctx, hashes) {
      if (inlineMax > 0) await inline.free(ctx, hashes);
      const sizes = new Map<string, number>();
      for (const part of chunks(hashes)) {
        const rows = (await ctx.db('blobs').select('hash', 'size').whereIn('hash', part)) as Array<{
          hash: string;
          size: unknown;
        }>;
        for (const r of rows) sizes.set(r.hash, Number(r.size));
      }
      // Rows are freed before they are deleted; a hash without a row is tried in the files too. A
      // small blob may still have a file from before the threshold was raised: one job asks.
      const small = hashes.filter((h) => isSmall(sizes.get(h) ?? Number.POSITIVE_INFINITY));
      const smallFiles = await workers.present(small.map(pathOf));
      const skip = new Set(small.filter((_, i) => !smallFiles[i]));
      for (const hash of hashes) {
        if (skip.has(hash)) continue;
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
    close: () => workers.close(),
  };
}
