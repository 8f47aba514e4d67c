/**
 * One client connection, protocol-neutral: writes that wait for the socket to drain (a slow
 * reader never makes us buffer a whole mailbox), input handed to a sink with pause/resume for
 * the protocol's own queue, an idle timer, STARTTLS, and a logger with the connection id.
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
}

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
    this.touch();
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!this.idle || this.closedValue) return;
    const { ms, onIdle } = this.idle;
    this.idleTimer = setTimeout(onIdle, ms);
    this.idleTimer.unref();
  }

  /** Write, waiting for 'drain' when the socket's buffer is full. */
  async write(data: Buffer | string): Promise<void> {
    if (this.closedValue) return;
    if (this.socketValue.write(data)) return;
    await Promise.race([once(this.socketValue, 'drain'), once(this.socketValue, 'close')]).catch(() => undefined);
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
