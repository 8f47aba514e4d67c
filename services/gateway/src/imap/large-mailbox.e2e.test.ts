/**
 * A 100,000-message folder over real sockets (issue 4): SELECT, `UID FETCH 1:* (FLAGS)` streamed
 * whole and in order, a client that stops reading holding the gateway back (a bounded queue per
 * connection, read from the gateway's /metrics), QRESYNC after another connection changed and
 * expunged a few messages (only those come back), and, once the journal no longer reaches back,
 * the folder's metadata reloaded page by page (TABLE_PAGE) and QRESYNC answered from the gaps.
 *
 * The folder is filled in-process through the server's storage (createMessages in batches of
 * 1000, one shared blob): 100,000 SOAP calls would take minutes. Everything after goes through
 * the gateway's IMAP port. No timed assertions; `KGC_TEST_FIGURES=1` prints the figures.
 */
import net from 'node:net';
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import { TABLE_PAGE } from '../limits.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  type MailUser,
  startTestGateway,
} from '../testing/harness.js';

const COUNT = 100_000;
const FILL_BATCH = 1000;
/** Internal date of uid 1; each next message one second later. */
const T0 = Date.UTC(2026, 0, 1);
/** The most a connection may hold queued in the gateway (the write chunk and the socket's high-water mark are far below). */
const QUEUE_BOUND = 1024 * 1024;
const MIME = Buffer.from(
  'From: Bulk <bulk@example.com>\r\nTo: rcpt@example.com\r\nSubject: bulk\r\n' +
    'Date: Thu, 01 Jan 2026 00:00:00 +0000\r\nMessage-ID: <bulk@example.com>\r\n\r\nHello.\r\n',
);

/** Flags as filled: every third message \Seen (uid 1, 4, 7, ...), one in 10,000 also $Important. */
function filledFlags(uid: number): string[] {
  return [...((uid - 1) % 3 === 0 ? ['\\Seen'] : []), ...(uid % 10_000 === 5 ? ['$Important'] : [])];
}

const figures: Record<string, number | string> = {};
function figure(name: string, value: number | string): void {
  figures[name] = typeof value === 'number' ? Math.round(value) : value;
}
const mib = () => {
  const m = process.memoryUsage();
  return `rss ${Math.round(m.rss / 2 ** 20)} MiB, heap ${Math.round(m.heapUsed / 2 ** 20)} MiB`;
};

let server: TestServer;
let admin: KgcSession;
let gw: GatewayUnderTest;
let u: MailUser;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  gw = await startTestGateway(server.url, {}, { bus: server.bus });
  u = await createMailUser(admin, ['imap']);
  const inbox = folderOf(u, 'inbox');
  const { storage } = server.server;
  const t = performance.now();
  await storage.blobs.prewrite([MIME]);
  for (let first = 1; first <= COUNT; first += FILL_BATCH) {
    const batch = [];
    for (let uid = first; uid < first + FILL_BATCH && uid <= COUNT; uid++) {
      const flags = filledFlags(uid);
      batch.push({
        folderId: inbox,
        mime: MIME,
        flags: flags.includes('\\Seen') ? 1 : 0,
        keywords: flags.filter((f) => !f.startsWith('\\')),
        internalDate: T0 + (uid - 1) * 1000,
        envelope: { subject: 'bulk', fromAddress: 'bulk@example.com' },
      });
    }
    const r = await storage.messages.createMessages(batch);
    expect(r.results.every((x) => x.ok)).toBe(true);
  }
  figure('fill ms', performance.now() - t);
}, 180_000);

afterAll(async () => {
  if (process.env.KGC_TEST_FIGURES) console.info('large mailbox figures', figures);
  await gw?.close();
  await server?.close();
});

/**
 * A raw IMAP client that hands each line to the test as it arrives (no literals in these
 * answers), so 100,000 answers are checked without being held; it can stop reading.
 */
class LineClient {
  private partial = '';
  /** Lines that came before anyone asked for them (the next answer, pipelined or in the same write). */
  private readonly queued: string[] = [];
  private onLine: ((line: string) => void) | undefined;
  private failed: Error | undefined;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      const text = this.partial + d;
      let at = 0;
      for (let end = text.indexOf('\r\n'); end !== -1; end = text.indexOf('\r\n', at)) {
        const line = text.slice(at, end);
        at = end + 2;
        if (this.onLine) this.deliver(line);
        else this.queued.push(line);
      }
      this.partial = text.slice(at);
      this.wake?.();
    });
    socket.on('close', () => {
      this.failed ??= new Error('connection closed');
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static async login(port: number, user: MailUser): Promise<LineClient> {
    const socket = net.connect(port, '127.0.0.1');
    const c = new LineClient(socket);
    await c.untagged('*', () => undefined);
    await c.command('l', `LOGIN ${user.username} ${user.password}`);
    return c;
  }

  private deliver(line: string): void {
    try {
      this.onLine?.(line);
    } catch (e) {
      // Reported by the command waiting for its answer.
      this.failed ??= e instanceof Error ? e : new Error(String(e));
    }
  }

  /** Lines up to the one starting with `end`: untagged ones to `each`, the last returned. */
  private async untagged(end: string, each: (line: string) => void): Promise<string> {
    let last: string | undefined;
    this.onLine = (line) => {
      if (line.startsWith(end)) {
        last = line;
        this.onLine = undefined;
      } else each(line);
    };
    while (last === undefined && this.queued.length > 0) this.deliver(this.queued.shift() as string);
    while (last === undefined) {
      if (this.failed) throw this.failed;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return last;
  }

  /** Send a command; untagged lines go to `each`; the tagged answer must be OK and is returned. */
  async command(tag: string, text: string, each: (line: string) => void = () => undefined): Promise<string> {
    this.socket.write(`${tag} ${text}\r\n`);
    return this.answer(tag, each);
  }

  /** The answer of a command sent earlier. */
  async answer(tag: string, each: (line: string) => void = () => undefined): Promise<string> {
    const tagged = await this.untagged(`${tag} `, each);
    expect(tagged).toMatch(new RegExp(`^${tag} OK `));
    return tagged;
  }

  send(text: string): void {
    this.socket.write(text);
  }
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }
  close(): void {
    this.socket.destroy();
  }
}

/** Untagged lines of a command, kept (for the small answers). */
async function lines(c: LineClient, tag: string, text: string): Promise<string[]> {
  const out: string[] = [];
  await c.command(tag, text, (l) => out.push(l));
  return out;
}

function codeOf(all: readonly string[], code: string): number {
  const m = all.map((l) => new RegExp(`^\\* OK \\[${code} (\\d+)\\]`).exec(l)).find((x) => x);
  if (!m) throw new Error(`no ${code} in ${all.join('\n')}`);
  return Number(m[1]);
}

/** One sample of the gateway's /metrics: `name{labels}` -> value (the service label left out). */
async function metrics(g: GatewayUnderTest): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${g.gateway.metricsPort}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = (m[2] ?? '')
      .split(',')
      .filter((l) => l !== '' && !l.startsWith('service='))
      .join(',');
    out.set(labels === '' ? (m[1] as string) : `${m[1]}{${labels}}`, Number(m[3]));
  }
  return out;
}

const FLAGS_LINE = /^\* (\d+) FETCH \(UID (\d+) FLAGS \(([^)]*)\)\)$/;

/**
 * Checks a streamed `FETCH ... (UID FLAGS)` answer: every expected UID once, ascending, with the
 * right sequence number (from `firstSeq`, one per answer) and flags.
 */
function flagsChecker(expected: readonly number[], flagsOf: (uid: number) => string[], firstSeq = 1) {
  let next = 0;
  return {
    each(line: string) {
      const m = FLAGS_LINE.exec(line);
      if (!m) throw new Error(`not a FETCH FLAGS answer: ${line}`);
      const uid = Number(m[2]);
      if (uid !== expected[next] || Number(m[1]) !== firstSeq + next)
        throw new Error(`answer ${next + 1}: expected uid ${expected[next]}, got ${line}`);
      const flags = (m[3] as string).split(' ').filter((f) => f !== '');
      if (flags.sort().join(' ') !== flagsOf(uid).sort().join(' '))
        throw new Error(`uid ${uid}: expected flags (${flagsOf(uid).join(' ')}), got ${line}`);
      next++;
    },
    get count() {
      return next;
    },
  };
}

const allUids = Array.from({ length: COUNT }, (_, i) => i + 1);
/** What the first connection learnt, for the QRESYNC resync later; the modseq after the expunges. */
const known = { uidValidity: 0, modseq: 0, afterExpunge: 0 };

describe('a 100,000-message folder', () => {
  let c1: LineClient;

  it('SELECT: EXISTS, UIDNEXT, UNSEEN, HIGHESTMODSEQ', async () => {
    c1 = await LineClient.login(gw.imapPort, u);
    await c1.command('e', 'ENABLE QRESYNC');
    const t = performance.now();
    const sel = await lines(c1, 's', 'SELECT INBOX');
    figure('SELECT ms (cold cache)', performance.now() - t);
    expect(sel).toContain(`* ${COUNT} EXISTS`);
    expect(sel).toContain('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)');
    expect(codeOf(sel, 'UIDNEXT')).toBe(COUNT + 1);
    expect(codeOf(sel, 'UNSEEN')).toBe(2);
    known.uidValidity = codeOf(sel, 'UIDVALIDITY');
    known.modseq = codeOf(sel, 'HIGHESTMODSEQ');
    expect(known.modseq).toBeGreaterThan(0);
  }, 120_000);

  it('UID FETCH 1:* (FLAGS) streams every UID once, in order (the cache was loaded page by page)', async () => {
    // The first SELECT loaded the folder's metadata in pages of TABLE_PAGE rows.
    expect(COUNT).toBeGreaterThan(TABLE_PAGE * 2);
    const check = flagsChecker(allUids, filledFlags);
    const t = performance.now();
    await c1.command('f', 'UID FETCH 1:* (FLAGS)', check.each);
    figure('UID FETCH 1:* (FLAGS) ms', performance.now() - t);
    figure('after FETCH', mib());
    expect(check.count).toBe(COUNT);
    // By sequence numbers, across a page boundary.
    const mid = flagsChecker(allUids.slice(TABLE_PAGE - 3, TABLE_PAGE + 3), filledFlags, TABLE_PAGE - 2);
    await c1.command('g', `FETCH ${TABLE_PAGE - 2}:${TABLE_PAGE + 3} (UID FLAGS)`, mid.each);
    expect(mid.count).toBe(6);
  }, 120_000);

  it('a client that stops reading holds the gateway back: a bounded queue, no listener pile-up', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      // A fresh connection: the kernel grows a socket's receive buffer only as its reader reads,
      // so one that never read much holds little there and the gateway must hold back.
      const slow = await LineClient.login(gw.imapPort, u);
      await slow.command('s', 'SELECT INBOX');
      const before = await metrics(gw);
      slow.pause();
      // About 110 bytes per message, twice: 22 MB, far more than the kernel's socket buffers take
      // (about 4 MiB on Linux's defaults, tcp_wmem).
      const fetchAll = 'UID FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE MODSEQ)';
      slow.send(`b1 ${fetchAll}\r\nb2 ${fetchAll}\r\n`);
      // Until the gateway waits for this client (or, without back-pressure, queues more than the bound).
      let stalled = await metrics(gw);
      for (let polls = 1; ; polls++) {
        const waiting = stalled.get('gateway_write_waiting_connections') ?? 0;
        if (waiting >= 1 || (stalled.get('gateway_write_queued_bytes') ?? 0) > QUEUE_BOUND) break;
        if (polls > 1000) throw new Error(`the gateway never waited: ${JSON.stringify([...stalled])}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        stalled = await metrics(gw);
      }
      figure('queued bytes while stalled', stalled.get('gateway_write_queued_bytes') ?? -1);
      figure('while stalled', mib());
      expect(stalled.get('gateway_write_waiting_connections')).toBe(1);
      expect(stalled.get('gateway_write_queued_bytes')).toBeLessThanOrEqual(QUEUE_BOUND);
      // Still stalled, still bounded: nothing more was queued while the client did not read.
      const again = await metrics(gw);
      expect(again.get('gateway_write_waiting_connections')).toBe(1);
      expect(again.get('gateway_write_queued_bytes')).toBeLessThanOrEqual(QUEUE_BOUND);

      const answer =
        /^\* (\d+) FETCH \(UID (\d+) FLAGS \(([^)]*)\) INTERNALDATE "([^"]+)" RFC822\.SIZE (\d+) MODSEQ \((\d+)\)\)$/;
      const counts: number[] = [];
      const t = performance.now();
      const done = (async () => {
        for (const tag of ['b1', 'b2']) {
          let next = 1;
          await slow.answer(tag, (line) => {
            // The first MODSEQ fetch enables CONDSTORE with the mailbox selected (RFC 7162 §3.1).
            if (tag === 'b1' && next === 1 && /^\* OK \[HIGHESTMODSEQ \d+\]/.test(line)) return;
            const m = answer.exec(line);
            if (!m || Number(m[1]) !== next || Number(m[2]) !== next) throw new Error(`answer ${next}: ${line}`);
            if (Number(m[5]) !== MIME.length) throw new Error(`size: ${line}`);
            if (Number(m[6]) > known.modseq) throw new Error(`modseq: ${line}`);
            if (next === 1 && m[4] !== '01-Jan-2026 00:00:00 +0000') throw new Error(`date: ${line}`);
            if (next === COUNT && m[4] !== '02-Jan-2026 03:46:39 +0000') throw new Error(`date: ${line}`);
            next++;
          });
          counts.push(next - 1);
        }
      })();
      slow.resume();
      await done;
      slow.close();
      figure('slow-reader FETCH ms after resume (2 x 100,000)', performance.now() - t);
      expect(counts).toEqual([COUNT, COUNT]);

      const after = await metrics(gw);
      const waits = (after.get('gateway_write_waits_total') ?? 0) - (before.get('gateway_write_waits_total') ?? 0);
      figure('write waits', waits);
      expect(waits).toBeGreaterThan(0);
      // Every write that waited had at most QUEUE_BOUND bytes queued.
      const total = after.get('gateway_write_wait_queued_bytes_count') ?? 0;
      expect(after.get(`gateway_write_wait_queued_bytes_bucket{le="${QUEUE_BOUND}"}`)).toBe(total);
      expect(after.get('gateway_write_queued_bytes')).toBe(0);
      // No MaxListenersExceededWarning (each wait takes its listeners away: connection.test.ts).
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  }, 120_000);

  /** Flagged and expunged by the second connection. */
  const flagged = [10, TABLE_PAGE - 1, TABLE_PAGE, TABLE_PAGE + 1, COUNT - 1];
  const expunged = [7, TABLE_PAGE + 2, COUNT];
  const remaining = allUids.filter((uid) => !expunged.includes(uid));
  const flagsNow = (uid: number) => [
    ...filledFlags(uid),
    ...(flagged.includes(uid) ? ['\\Flagged'] : []),
    ...(uid === 20 ? ['\\Answered'] : []),
  ];

  it('QRESYNC after another connection flagged and expunged a few: VANISHED (EARLIER) and only those', async () => {
    const c2 = await LineClient.login(gw.imapPort, u);
    await c2.command('s', 'SELECT INBOX');
    await c2.command('a', `UID STORE ${flagged.join(',')} +FLAGS.SILENT (\\Flagged)`);
    await c2.command('b', `UID STORE ${expunged.join(',')} +FLAGS.SILENT (\\Deleted)`);
    const gone = await lines(c2, 'c', `UID EXPUNGE ${expunged.join(',')}`);
    expect(gone).toEqual(['* 100000 EXPUNGE', `* ${TABLE_PAGE + 2} EXPUNGE`, '* 7 EXPUNGE']);
    c2.close();
    c1.close();

    const c3 = await LineClient.login(gw.imapPort, u);
    await c3.command('e', 'ENABLE QRESYNC');
    const t = performance.now();
    const sel = await lines(c3, 's', `SELECT INBOX (QRESYNC (${known.uidValidity} ${known.modseq}))`);
    figure('QRESYNC SELECT ms', performance.now() - t);
    expect(sel).toContain(`* ${remaining.length} EXISTS`);
    expect(codeOf(sel, 'UIDNEXT')).toBe(COUNT + 1);
    expect(codeOf(sel, 'HIGHESTMODSEQ')).toBeGreaterThan(known.modseq);
    known.afterExpunge = codeOf(sel, 'HIGHESTMODSEQ');
    expect(sel.filter((l) => l.startsWith('* VANISHED'))).toEqual([
      `* VANISHED (EARLIER) 7,${TABLE_PAGE + 2},${COUNT}`,
    ]);
    const fetched = sel.filter((l) => / FETCH /.test(l));
    expect(fetched.map((l) => l.replace(/MODSEQ \(\d+\)/, 'MODSEQ'))).toEqual(
      flagged.map((uid) => {
        const seq = remaining.indexOf(uid) + 1;
        return `* ${seq} FETCH (UID ${uid} FLAGS (${flagsNow(uid).join(' ')}) MODSEQ)`;
      }),
    );
    for (const l of fetched) expect(Number(/MODSEQ \((\d+)\)/.exec(l)?.[1])).toBeGreaterThan(known.modseq);
    // Nothing else: the header lines, VANISHED and the five.
    expect(sel.length).toBeLessThan(20);

    // The same through FETCH (CHANGEDSINCE ... VANISHED) in the selected mailbox.
    const changed = await lines(c3, 'f', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${known.modseq} VANISHED)`);
    expect(changed[0]).toBe(`* VANISHED (EARLIER) 7,${TABLE_PAGE + 2},${COUNT}`);
    expect(changed.slice(1).map((l) => /UID (\d+)/.exec(l)?.[1])).toEqual(flagged.map(String));
    c3.close();
  }, 120_000);

  it('the journal no longer reaches back: the cache reloads page by page, QRESYNC reports every gap', async () => {
    // A change the gateway is not told about (straight into storage, while no session has the
    // folder open), then every journal entry dropped (as journal_retention does): the idle
    // cache's modseq and the client's are both below the journal's floor.
    const { storage } = server.server;
    const [row] = await storage.messages.queryContents({
      folderId: folderOf(u, 'inbox'),
      where: { type: 'uid', ranges: [{ from: 20, to: 20 }] },
    });
    await storage.messages.setFlags([row?.id ?? 0], { add: 2 /* \Answered */ });
    expect(await storage.journal.pruneJournal(Date.now() + 60_000)).toBeGreaterThan(0);

    const c = await LineClient.login(gw.imapPort, u);
    await c.command('e', 'ENABLE QRESYNC');
    const sel = await lines(c, 's', `SELECT INBOX (QRESYNC (${known.uidValidity} ${known.afterExpunge}))`);
    expect(sel).toContain(`* ${remaining.length} EXISTS`);
    // The gateway cannot tell what went when: every UID below UIDNEXT that is not there.
    expect(sel.filter((l) => l.startsWith('* VANISHED'))).toEqual([
      `* VANISHED (EARLIER) 7,${TABLE_PAGE + 2},${COUNT}`,
    ]);
    expect(sel.filter((l) => / FETCH /.test(l)).map((l) => l.replace(/MODSEQ \(\d+\)/, 'MODSEQ'))).toEqual([
      '* 19 FETCH (UID 20 FLAGS (\\Answered) MODSEQ)',
    ]);
    // The reloaded cache is exact.
    const check = flagsChecker(remaining, flagsNow);
    await c.command('f', 'UID FETCH 1:* (FLAGS)', check.each);
    expect(check.count).toBe(remaining.length);
    // FETCH (CHANGEDSINCE … VANISHED) likewise (RFC 7162 §3.2.6, its note): the gaps of the set.
    const changed = await lines(c, 'g', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${known.afterExpunge} VANISHED)`);
    expect(changed[0]).toBe(`* VANISHED (EARLIER) 7,${TABLE_PAGE + 2},${COUNT}`);
    const some8 = await lines(c, 'h', `UID FETCH 8:${COUNT - 1} (FLAGS) (CHANGEDSINCE ${known.afterExpunge} VANISHED)`);
    expect(some8[0]).toBe(`* VANISHED (EARLIER) ${TABLE_PAGE + 2}`);
    // With the known UIDs given, only those.
    await c.command('x', 'UNSELECT');
    const some = await lines(
      c,
      't',
      `SELECT INBOX (QRESYNC (${known.uidValidity} ${known.afterExpunge} 1:6,8:${COUNT - 1}))`,
    );
    expect(some.filter((l) => l.startsWith('* VANISHED'))).toEqual([`* VANISHED (EARLIER) ${TABLE_PAGE + 2}`]);
    expect(some.length).toBeLessThan(20);
    c.close();
  }, 120_000);
});
