/** Small helpers for the benchmarks: timing, percentiles, a bounded concurrent loop, memory. */
import { readFileSync } from 'node:fs';
import knex from 'knex';
import { MYSQL } from '../support/server.js';

/** Where MariaDB's unix socket is on Debian. */
export const MYSQL_SOCKET = '/run/mysqld/mysqld.sock';

/** Proportional set size of a process (KiB); 0 when it is gone. */
export function pssKiB(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export interface LoadResult {
  count: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

/** Runs `total` calls of `fn` with `concurrency` in flight; latency per call. */
export async function runLoad(
  total: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const s = performance.now();
        await fn(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    count: total,
    seconds,
    perSecond: total / seconds,
    p50ms: percentile(lat, 50),
    p99ms: percentile(lat, 99),
  };
}

export function fmt(r: LoadResult, unit = 'ops'): string {
  return `${r.count} ${unit} in ${r.seconds.toFixed(2)} s = ${r.perSecond.toFixed(0)} ${unit}/s (p50 ${r.p50ms.toFixed(1)} ms, p99 ${r.p99ms.toFixed(1)} ms)`;
}

/** A ~4 KB RFC 5322 message, different per i. */
export function message4k(i: number): Buffer {
  const body = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(62)}\r\n`;
  return Buffer.from(
    `From: Sender ${i} <sender${i}@example.net>\r\nTo: Alice <alice@example.com>\r\nSubject: Benchmark message ${i}\r\n` +
      `Date: Mon, 04 Mar 2024 13:32:00 +0100\r\nMessage-ID: <bench-${i}-${Date.now()}@example.net>\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\n\r\n${body}`.replace(/(.{76})/g, '$1\r\n'),
  );
}

/**
 * MariaDB's InnoDB buffer pool at least `bytes` for the run (SET GLOBAL, online), as a mail server's
 * database is sized: the default 128 MiB cannot hold this benchmark's ~100 MB of mail, and with
 * O_DIRECT what it drops comes back from the disk, where Dovecot's files sit in the page cache.
 * Returns what restores the size found.
 */
export async function bufferPoolAtLeast(
  bytes: number,
): Promise<{ found: number; now: number; restore(): Promise<void> }> {
  const k = knex({ client: 'mysql2', connection: MYSQL });
  const size = async () =>
    Number(((await k.raw('SELECT @@innodb_buffer_pool_size AS s'))[0] as Array<{ s: number }>)[0]?.s ?? 0);
  const setSize = async (to: number) => {
    await k.raw('SET GLOBAL innodb_buffer_pool_size = ?', [to]);
    // The resize runs in the background; wait until it has finished.
    for (let i = 0; i < 600; i++) {
      const [rows] = (await k.raw("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_resize_status'")) as [
        Array<{ Value: string }>,
      ];
      const status = rows[0]?.Value ?? '';
      if ((await size()) === to && !/resiz|withdraw|allocat/i.test(status)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const found = await size();
  if (found < bytes) await setSize(bytes);
  const now = await size();
  await k.destroy();
  return {
    found,
    now,
    restore: async () => {
      if (now === found) return;
      const r = knex({ client: 'mysql2', connection: MYSQL });
      try {
        await r.raw('SET GLOBAL innodb_buffer_pool_size = ?', [found]);
      } finally {
        await r.destroy();
      }
    },
  };
}
