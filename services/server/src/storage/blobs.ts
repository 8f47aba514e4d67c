import { createHash } from 'node:crypto';
import type { Ctx } from './context.js';
import { invalid, notFound } from './db-errors.js';
import { chunks, num } from './rows.js';
import type { Statement } from './statement-batch.js';

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const HASH_RE = /^[0-9a-f]{64}$/;

export function assertBlobHash(hash: string): void {
  if (!HASH_RE.test(hash)) throw invalid(`not a SHA-256 hex digest: ${hash}`);
}

function groupByCount(counts: ReadonlyMap<string, number>): Map<number, string[]> {
  const byCount = new Map<number, string[]>();
  for (const [hash, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = byCount.get(n) ?? [];
    list.push(hash);
    byCount.set(n, list);
  }
  return byCount;
}

/** The rows of `hashes` (hash, size, refcount), locked (MySQL) in hash order: read with readBlobRows. */
export function blobRowQueries(ctx: Ctx, hashes: readonly string[]): Statement[] {
  const sorted = [...hashes].sort();
  return chunks(sorted).map((part) => {
    const q = ctx.db('blobs').select('hash', 'size', 'refcount').whereIn('hash', part).orderBy('hash');
    return ctx.env.engine === 'mysql' ? q.forUpdate() : q;
  });
}

export function readBlobRows(results: readonly unknown[][]): Map<string, BlobInfo> {
  const out = new Map<string, BlobInfo>();
  for (const rows of results) {
    for (const r of rows as Array<Record<string, unknown>>) {
      out.set(String(r.hash), { hash: String(r.hash), size: num(r.size), refcount: num(r.refcount) });
    }
  }
  return out;
}

/**
 * Statements adding references: `withData` are created if missing (upsert), `refs` must exist
 * (the caller checked them under lock). Rows in hash order.
 */
export function blobRefStatements(
  ctx: Ctx,
  withData: ReadonlyMap<string, { size: number; count: number }>,
  refs: ReadonlyMap<string, number>,
): Statement[] {
  const out: Statement[] = [];
  const now = ctx.env.now();
  const increment = ctx.env.engine === 'mysql' ? 'refcount + VALUES(refcount)' : 'refcount + excluded.refcount';
  for (const part of chunks([...withData.keys()].sort(), 200)) {
    const rows = part.map((hash) => {
      const b = withData.get(hash);
      if (!b) throw new Error('unreachable');
      return { hash, size: b.size, refcount: b.count, created_at: now };
    });
    out.push(
      ctx
        .db('blobs')
        .insert(rows)
        .onConflict('hash')
        .merge({ refcount: ctx.db.raw(increment) }),
    );
  }
  for (const [n, hashes] of groupByCount(refs)) {
    for (const part of chunks(hashes)) {
      out.push(
        ctx
          .db('blobs')
          .whereIn('hash', part)
          .update({ refcount: ctx.db.raw('refcount + ?', [n]) }),
      );
    }
  }
  return out;
}

/**
 * Writes blob bytes ahead of the transaction that will reference them (files backend only), so
 * that the fsyncs happen outside the store's row lock. Harmless if the transaction never comes:
 * the bytes are content-addressed, and the transaction re-checks presence under the blob row lock.
 */
export async function prewriteBlobs(ctx: Ctx, data: readonly Buffer[]): Promise<void> {
  const inlineMax = ctx.env.blobs.inlineMax ?? 0;
  const files = data.filter((d) => inlineMax === 0 || d.length > inlineMax);
  if (ctx.env.blobs.kind !== 'files' || files.length === 0) return;
  // The files backend's store skips what exists: one job for the check and the write.
  await ctx.env.blobs.store(ctx, new Map(files.map((d) => [sha256Hex(d), d])));
}

/** Adds references to blobs that must already exist (copies, messages created from a known hash). */
export async function addBlobRefs(ctx: Ctx, counts: ReadonlyMap<string, number>): Promise<void> {
  for (const [n, hashes] of groupByCount(counts)) {
    for (const part of chunks(hashes)) {
      const changed = await ctx
        .db('blobs')
        .whereIn('hash', part)
        .update({ refcount: ctx.db.raw('refcount + ?', [n]) });
      if (num(changed) !== part.length) {
        const rows = (await ctx.db('blobs').select('hash').whereIn('hash', part)) as Array<{ hash: string }>;
        const have = new Set(rows.map((r) => r.hash));
        throw notFound('blob', part.find((h) => !have.has(h)) ?? '?');
      }
    }
  }
}

/** Drops references; blobs reaching 0 lose their row and their bytes in the same transaction. */
export async function releaseBlobRefs(ctx: Ctx, counts: ReadonlyMap<string, number>): Promise<void> {
  if (counts.size === 0) return;
  for (const [n, hashes] of groupByCount(counts)) {
    for (const part of chunks(hashes)) {
      await ctx
        .db('blobs')
        .whereIn('hash', part)
        .update({ refcount: ctx.db.raw('refcount - ?', [n]) });
    }
  }
  const freed: string[] = [];
  for (const part of chunks([...counts.keys()].sort())) {
    const rows = (await ctx.db('blobs').select('hash').whereIn('hash', part).andWhere('refcount', '<=', 0)) as Array<{
      hash: string;
    }>;
    freed.push(...rows.map((r) => r.hash));
  }
  if (freed.length === 0) return;
  await ctx.env.blobs.free(ctx, freed);
  for (const part of chunks(freed)) await ctx.db('blobs').whereIn('hash', part).delete();
}

/** Counts references per hash from rows that carry `blob_hash`. */
export function countHashes(rows: ReadonlyArray<{ blob_hash: string | null }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.blob_hash) counts.set(r.blob_hash, (counts.get(r.blob_hash) ?? 0) + 1);
  return counts;
}

export interface BlobInfo {
  hash: string;
  size: number;
  refcount: number;
}

export async function getBlobInfo(ctx: Ctx, hashes: readonly string[]): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for (const part of chunks(hashes)) {
    const rows = (await ctx.db('blobs').select('hash', 'size', 'refcount').whereIn('hash', part)) as Array<
      Record<string, unknown>
    >;
    for (const r of rows) out.push({ hash: String(r.hash), size: num(r.size), refcount: num(r.refcount) });
  }
  return out;
}

export async function readBlob(ctx: Ctx, hash: string): Promise<Buffer> {
  assertBlobHash(hash);
  const data = await ctx.env.blobs.read(ctx, hash);
  if (!data) throw notFound('blob', hash);
  return data;
}
