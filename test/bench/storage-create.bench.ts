/**
 * Storage benchmark on MariaDB: `createMessages` transactions of 1, 8 and 32 ~4 KB messages into
 * one private store (hard quota set, so the quota check runs), attachment_storage = database and
 * files. Reports SQL statements per transaction (every statement the pool sends, BEGIN and COMMIT
 * included), messages/s of the transaction alone (blob files are written ahead, as the server's
 * write batcher does, outside the timing) and the median time from the call to COMMIT being sent
 * (the statements' share, without the commit's fsync, which dominates and varies on a busy disk). One
 * connection, transactions one after another: the latency of each statement is what is measured.
 *
 *   pnpm exec tsx test/bench/storage-create.bench.ts [rounds] [--list]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AttachmentStorage } from '../../services/server/src/storage/index.js';
import { openStorage } from '../../services/server/src/storage/index.js';
import { createMysqlDatabase, dropMysqlDatabase, MYSQL } from '../support/server.js';
import { message4k } from './lib.js';

const BATCHES: ReadonlyArray<{ size: number; transactions: number }> = [
  { size: 1, transactions: 300 },
  { size: 8, transactions: 60 },
  { size: 32, transactions: 20 },
];

export interface CreateFigure {
  attachmentStorage: AttachmentStorage;
  batch: number;
  statementsPerTx: number;
  /** Median over the rounds. */
  messagesPerSecond: number;
  /** Every round's rate. */
  rounds: number[];
  /** Median ms from the call to sending COMMIT. */
  beforeCommitMs: number;
}

export async function benchStorageCreate(rounds = 3, list?: (line: string) => void): Promise<CreateFigure[]> {
  const out: CreateFigure[] = [];
  let serial = 0;
  for (const attachmentStorage of ['database', 'files'] as const) {
    const database = await createMysqlDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'kgc-bench-storage-'));
    let statements: string[] = [];
    let commitSentAt = 0;
    let beforeCommit: number[] = [];
    const onStatement = (sql: string) => {
      statements.push(sql);
      if (/^COMMIT/i.test(sql)) commitSentAt = performance.now();
    };
    const storage = await openStorage({
      engine: 'mysql',
      ...MYSQL,
      database,
      pool: { min: 1, max: 1 },
      attachmentStorage,
      attachmentPath: join(dir, 'attachments'),
      quotaDefaults: { warn: 0, soft: 0, hard: 1024 ** 4 },
      onStatement,
    });
    try {
      const user = await storage.users.createUser({ loginName: 'bench' });
      const store = await storage.stores.findStoreByUser(user.id);
      if (!store) throw new Error('no store');
      const inbox = (await storage.folders.listFolders(store.id)).find((f) => f.role === 'inbox');
      if (!inbox) throw new Error('no inbox');
      const tx = async (size: number): Promise<number> => {
        const mimes = Array.from({ length: size }, () => message4k(serial++));
        await storage.blobs.prewrite(mimes);
        const t0 = performance.now();
        const r = await storage.messages.createMessages(
          mimes.map((mime, i) => ({
            folderId: inbox.id,
            mime,
            envelope: { subject: `Benchmark message ${i}`, fromAddress: `sender${i}@example.net` },
          })),
        );
        const ms = performance.now() - t0;
        beforeCommit.push(commitSentAt - t0);
        if (!r.results.every((x) => x.ok)) throw new Error('refused');
        return ms;
      };
      for (let i = 0; i < 5; i++) await tx(1);
      if (list) {
        statements = [];
        await tx(1);
        for (const s of statements) list(`${attachmentStorage}: ${s.replace(/\s+/g, ' ').slice(0, 150)}`);
      }
      for (const { size, transactions } of BATCHES) {
        const rates: number[] = [];
        let counted = 0;
        beforeCommit = [];
        for (let r = 0; r < rounds; r++) {
          statements = [];
          let ms = 0;
          for (let t = 0; t < transactions; t++) ms += await tx(size);
          counted = statements.length / transactions;
          rates.push((size * transactions) / (ms / 1000));
        }
        out.push({
          attachmentStorage,
          batch: size,
          statementsPerTx: counted,
          messagesPerSecond: median(rates),
          rounds: rates,
          beforeCommitMs: median(beforeCommit),
        });
      }
    } finally {
      await storage.close();
      await dropMysqlDatabase(database);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function formatCreateFigure(f: CreateFigure): string {
  return (
    `createMessages ${f.attachmentStorage.padEnd(8)} batch ${String(f.batch).padStart(2)}: ` +
    `${f.statementsPerTx.toFixed(1)} statements/tx, ${f.beforeCommitMs.toFixed(2)} ms to COMMIT, ` +
    `${f.messagesPerSecond.toFixed(0)} messages/s ` +
    `(rounds ${f.rounds.map((r) => r.toFixed(0)).join(', ')})`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
  const list = process.argv.includes('--list') ? (l: string) => process.stdout.write(`  ${l}\n`) : undefined;
  for (const f of await benchStorageCreate(rounds, list)) process.stdout.write(`${formatCreateFigure(f)}\n`);
  process.exit(0);
}
