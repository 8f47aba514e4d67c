/**
 * One client connection, protocol-neutral: writes that wait for the socket to drain (a slow
 * reader never makes us buffer a whole mailbox: at most about one write chunk plus the socket's
 * high-water mark is queued in the process per connection, however big the answer), input handed
 * to a sink with pause/resume for the protocol's own queue, an idle timer, STARTTLS, and a logger
 * with the connection id.
 */
import { once } from 'node:events';
import type net from 'node:net';
import tls from 'node:tls';
import { connectionLogger, type Logger, newConnectionId } from '@kgc/log';

export interface ConnectionOptions {
  log: Logger;
  /** Implicit TLS (imaps/pop3s): the socket is already a TLSSocket. */
  secure: boolean;
  /** For STARTTLS/STLS; undefined: not offered. */
  tls: tls.SecureContext | undefined;
  /** Largest piece handed to the socket at once; bigger writes go in pieces, each after 'drain'. */
  writeChunk?: number;
  /** A write has to wait for the client to read: `queuedBytes` are held in the process for it. */
  onWriteWait?: (queuedBytes: number) => void;
}

const DEFAULT_WRITE_CHUNK = 64 * 1024;

export function isLocalAddress(address: string | undefined): boolean {
  if (address === undefined) return true; // unix socket
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export class Connection {
  readonly cid = newConnectionId();
  readonly log: Logger;
  readonly local: boolean;
  readonly remote: string | undefined;
  private socketValue: net.Socket;
  private secureValue: boolean;
  private sink: ((chunk: Buffer) => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private idle: { ms: number; onIdle: () => void } | undefined;
  private closedValue = false;
  private waitingValue = false;
  private readonly writeChunk: number;
  private readonly closeHandlers: Array<() => void> = [];
  private readonly onData = (chunk: Buffer) => {
    this.touch();
    this.sink?.(chunk);
  };

  constructor(
    socket: net.Socket,
    private readonly opts: ConnectionOptions,
  ) {
    this.socketValue = socket;
    this.writeChunk = Math.max(1, opts.writeChunk ?? DEFAULT_WRITE_CHUNK);
    // Replies are small and written as they are ready: Nagle would hold each for a delayed ACK.
    socket.setNoDelay(true);
    this.secureValue = opts.secure;
    this.remote = socket.remoteAddress;
    this.local = isLocalAddress(socket.remoteAddress);
    this.log = connectionLogger(opts.log, {
      cid: this.cid,
      ...(socket.remoteAddress ? { remote: `${socket.remoteAddress}:${socket.remotePort}` } : {}),
    });
    this.attach(socket);
  }

  get secure(): boolean {
    return this.secureValue;
  }
  get closed(): boolean {
    return this.closedValue;
  }
  /** Bytes written but not yet handed to the kernel (the socket's own buffer). */
  get queuedBytes(): number {
    return this.socketValue.writableLength;
  }
  /** A write is waiting for the client to read. */
  get waitingForClient(): boolean {
    return this.waitingValue;
  }
  /** STARTTLS can be offered: a context exists and TLS is not active yet. */
  get canStartTls(): boolean {
    return this.opts.tls !== undefined && !this.secureValue;
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', (err) => {
      this.log.debug({ err: err.message }, 'socket error');
      this.destroy();
    });
    socket.on('close', () => this.markClosed());
    socket.on('end', () => this.destroy());
  }

  setSink(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
  }

  pause(): void {
    this.socketValue.pause();
  }
  resume(): void {
    if (!this.closedValue) this.socketValue.resume();
  }

  /** (Re)arm the idle timer: after `ms` without input, onIdle runs. */
  setIdle(ms: number, onIdle: () => void): void {
    this.idle = { ms, onIdle };
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.touch();
  }

  private touch(): void {
    if (!this.idle || this.closedValue) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      return;
    }
    // The running timer restarts in place (no new timer per command; setIdle starts a new one).
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    const { ms, onIdle } = this.idle;
    this.idleTimer = setTimeout(() => this.idleExpired(onIdle), ms);
    this.idleTimer.unref();
  }

  /**
   * The idle time ran out. In the middle of an answer the client has not read (a write waits for
   * it) nothing more can be said without cutting into that answer: the connection is dropped.
   */
  private idleExpired(onIdle: () => void): void {
    if (this.closedValue) return;
    if (this.waitingValue) {
      this.log.debug('idle timeout while the client does not read');
      this.destroy();
      return;
    }
    onIdle();
  }

  /**
   * Write, waiting for 'drain' whenever the socket's buffer is full. Data bigger than a write chunk
   * goes in pieces, so even one big answer never sits in the socket's buffer whole.
   */
  async write(data: Buffer | string): Promise<void> {
    if (this.closedValue) return;
    if (data.length <= this.writeChunk) {
      if (!this.socketValue.write(data)) await this.drained();
      return;
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let at = 0; at < bytes.length && !this.closedValue; at += this.writeChunk) {
      if (!this.socketValue.write(bytes.subarray(at, at + this.writeChunk))) await this.drained();
    }
  }

  /**
   * Until the socket drains or closes. Its listeners go when it does: a long session with many
   * waits must not pile up listeners (events.once would leave the loser of a race attached).
   */
  private drained(): Promise<void> {
    const socket = this.socketValue;
    if (this.closedValue || socket.destroyed) return Promise.resolve();
    this.opts.onWriteWait?.(socket.writableLength);
    this.waitingValue = true;
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', drain);
        socket.off('close', done);
        this.waitingValue = false;
        resolve();
      };
      // The client reading what we send is activity too: a long answer to a slow reader is not idle.
      const drain = () => {
        this.touch();
        done();
      };
      socket.on('drain', drain);
      socket.on('close', done);
    });
  }

  /** Upgrade to TLS (after the protocol's "go ahead" went out). Input received before is dropped by the caller. */
  async startTls(): Promise<void> {
    const context = this.opts.tls;
    if (!context) throw new Error('TLS is not configured');
    const plain = this.socketValue;
    plain.removeListener('data', this.onData);
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: context });
    this.socketValue = secure;
    secure.on('data', this.onData);
    secure.on('error', (err) => {
      this.log.debug({ err: err.message }, 'TLS error');
      this.destroy();
    });
    await Promise.race([once(secure, 'secure'), once(secure, 'close')]);
    if (this.closedValue) throw new Error('connection closed during the TLS handshake');
    this.secureValue = true;
  }

  onClose(handler: () => void): void {
    if (this.closedValue) handler();
    else this.closeHandlers.push(handler);
  }

  /** Send the last bytes, then close. */
  async end(last?: Buffer | string): Promise<void> {
    if (this.closedValue) return;
    if (last !== undefined) await this.write(last);
    this.socketValue.end();
    // A client that never reads must not keep the socket open.
    setTimeout(() => this.destroy(), 2000).unref();
  }

  destroy(): void {
    this.socketValue.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const h of this.closeHandlers.splice(0)) h();
  }
}
