/**
 * The LMTP load of the dagent benchmark, run the same way against any LMTP server (dagent, and
 * Dovecot's for the bar): 8 connections, pipelined transactions with SIZE declared at MAIL FROM as
 * Postfix's LMTP client does; 3–8 KB messages to one recipient, then to ten, after LMTP_WARMUP
 * deliveries of other messages.
 */
import { randomBytes } from 'node:crypto';
import { lmtpTransaction, RawLmtp } from '../../services/dagent/src/testing/lmtp-clients.js';
import { fmt, runLoad } from './lib.js';

export const LMTP_CONNECTIONS = 8;
/**
 * Deliveries before the figures are taken, to other messages: a delivery agent runs for days, and
 * V8 takes thousands of deliveries to finish compiling the hot paths (after 400, the server still
 * spent about twice its steady-state CPU per delivery, much of it in the optimizing compiler).
 */
export const LMTP_WARMUP = 8_000;

/** A 3–8 KB message, different per i. */
export function lmtpMessage(i: number): Buffer {
  const size = 3000 + ((i * 7919) % 5000);
  const head =
    `From: Sender ${i} <sender${i}@example.net>\r\nTo: Team <team@example.com>\r\nSubject: Benchmark ${i}\r\n` +
    `Date: Mon, 04 Mar 2024 13:32:00 +0100\r\nMessage-ID: <lmtp-${i}-${randomBytes(6).toString('hex')}@example.net>\r\n` +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  return Buffer.from(head + line.repeat(Math.ceil((size - head.length) / line.length)));
}

/** One LMTP connection, one pipelined transaction at a time. */
class LmtpConnection {
  private constructor(
    private readonly c: RawLmtp,
    /** The server advertised SIZE (RFC 1870): Postfix then declares it at MAIL FROM. */
    private readonly size: boolean,
  ) {}

  static async open(port: number): Promise<LmtpConnection> {
    const c = await RawLmtp.connect(port);
    await c.reply();
    const lhlo = (await c.command('LHLO bench.test')) ?? '';
    return new LmtpConnection(c, /^250[- ]SIZE\b/m.test(lhlo));
  }

  async send(rcpts: string[], raw: Buffer): Promise<void> {
    const codes = await lmtpTransaction(this.c, 'bench@example.net', rcpts, raw, this.size);
    if (codes.some((c) => c !== 250)) throw new Error(`delivery failed: ${codes.join(' ')}`);
  }

  close(): void {
    this.c.close();
  }
}

/** LMTP_CONNECTIONS connections; `send` takes a free one for each transaction. */
export async function lmtpPool(port: number): Promise<{
  send(rcpts: string[], raw: Buffer): Promise<void>;
  close(): void;
}> {
  const conns = await Promise.all(Array.from({ length: LMTP_CONNECTIONS }, () => LmtpConnection.open(port)));
  const free = [...conns];
  return {
    async send(rcpts, raw) {
      const c = free.pop();
      if (!c) throw new Error('no free connection');
      try {
        await c.send(rcpts, raw);
      } finally {
        free.push(c);
      }
    },
    close: () => {
      for (const c of conns) c.close();
    },
  };
}

/** Deliveries/s with one recipient and recipient-deliveries/s with ten, to `recipients` in turn. */
export async function lmtpFigures(port: number, recipients: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const pool = await lmtpPool(port);
  try {
    const msgs = Array.from({ length: 9_500 }, (_, i) => lmtpMessage(i));
    const rcpt = (i: number) => recipients[i % recipients.length] as string;
    await runLoad(LMTP_WARMUP, LMTP_CONNECTIONS, (i) => pool.send([rcpt(i)], lmtpMessage(100_000 + i)));
    const single = await runLoad(8_000, LMTP_CONNECTIONS, (i) => pool.send([rcpt(i)], msgs[i] as Buffer));
    out.push(`LMTP 3–8 KB, 1 recipient, ${LMTP_CONNECTIONS} connections: ${fmt(single, 'deliveries')}`);
    const ten = (i: number) => Array.from({ length: 10 }, (_, k) => rcpt(i * 10 + k));
    const multi = await runLoad(1_500, LMTP_CONNECTIONS, (i) => pool.send(ten(i), msgs[i + 8_000] as Buffer));
    const rps = (multi.count * 10) / multi.seconds;
    out.push(
      `LMTP 3–8 KB, 10 recipients, ${LMTP_CONNECTIONS} connections: ${fmt(multi, 'messages')} = ${rps.toFixed(0)} recipient-deliveries/s`,
    );
  } finally {
    pool.close();
  }
  return out;
}
