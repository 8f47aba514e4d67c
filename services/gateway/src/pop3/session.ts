/**
 * One POP3 connection: greeting, then one command at a time (pipelined lines wait in a bounded
 * queue; the socket is paused while it is full), dispatch through the command table after the
 * state check, limits (line length, bad commands, idle time), and cleanup: a connection that ends
 * without QUIT deletes nothing.
 */
import {
  err,
  LineReader,
  MAX_COMMAND_LINE,
  MAX_SASL_LINE,
  ok,
  type Pop3Command,
  type Pop3CommandName,
  parseCommand,
} from '@kgc/pop3-proto';
import type { Limits } from '../limits.js';
import type { Connection } from '../net/connection.js';
import type { MailStoreProvider } from '../store/types.js';
import { saslResponse } from './commands/auth.js';
import { POP3_COMMAND_TABLE } from './commands/index.js';
import type { Pop3CommandSpec, Pop3Context } from './context.js';
import { Pop3Error, pop3ErrorOf } from './errors.js';
import type { Pop3State } from './state.js';

/** Lines waiting while a command runs; more pause the socket. */
const MAX_QUEUED_LINES = 64;

export interface Pop3SessionOptions {
  provider: MailStoreProvider;
  limits: Limits;
  disablePlaintextAuth: boolean;
  greeting: string;
}

type Input = { kind: 'line'; line: Buffer } | { kind: 'too-long' };

export class Pop3Session implements Pop3Context {
  state: Pop3State = { kind: 'authorization', failures: 0 };
  private readonly reader = new LineReader(MAX_SASL_LINE);
  private readonly queue: Input[] = [];
  private running = false;
  private badCommands = 0;

  constructor(
    private readonly conn: Connection,
    private readonly opts: Pop3SessionOptions,
  ) {
    conn.setSink((chunk) => this.onData(chunk));
    // RFC 1939 §3: when the inactivity timer expires the connection is closed without a response
    // (and without UPDATE: nothing is deleted).
    conn.setIdle(opts.limits.pop3IdleMs, () => {
      this.conn.log.debug('POP3 idle timeout');
      void this.close();
    });
    conn.onClose(() => void this.cleanup());
  }

  get log() {
    return this.conn.log;
  }
  get limits() {
    return this.opts.limits;
  }
  get provider() {
    return this.opts.provider;
  }
  get secure() {
    return this.conn.secure;
  }
  get canStartTls() {
    return this.conn.canStartTls;
  }

  plaintextAllowed(): boolean {
    return !this.opts.disablePlaintextAuth || this.conn.secure || this.conn.local;
  }

  async start(): Promise<void> {
    await this.send(ok(this.opts.greeting));
  }

  send(data: Buffer): Promise<void> {
    return this.conn.write(data);
  }

  async startTls(): Promise<void> {
    // RFC 2595 §4 / RFC 3207 §6: nothing the client sent before the handshake counts, neither
    // what is still queued nor a USER already given.
    this.reader.clear();
    this.queue.length = 0;
    if (this.state.kind === 'authorization') this.state = { kind: 'authorization', failures: this.state.failures };
    await this.conn.startTls();
  }

  async close(last?: Buffer): Promise<void> {
    if (this.state.kind !== 'closed' && this.state.kind !== 'update') await this.cleanup();
    await this.conn.end(last);
  }

  /** Leave without UPDATE: nothing is deleted. */
  private async cleanup(): Promise<void> {
    const s = this.state;
    this.state = { kind: 'closed' };
    if (s.kind === 'transaction') await s.store.close();
  }

  private onData(chunk: Buffer): void {
    for (const e of this.reader.push(chunk)) this.queue.push(e);
    if (this.queue.length >= MAX_QUEUED_LINES) this.conn.pause();
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue.shift(); next && !this.conn.closed; next = this.queue.shift()) {
        if (this.queue.length < MAX_QUEUED_LINES / 2) this.conn.resume();
        await this.handle(next);
      }
    } finally {
      this.running = false;
    }
  }

  private async handle(input: Input): Promise<void> {
    if (this.state.kind === 'closed' || this.state.kind === 'update') return;
    if (input.kind === 'too-long') {
      // A line too long ends a SASL exchange as any -ERR does (RFC 5034 §4).
      if (this.state.kind === 'authorization' && this.state.saslPending)
        this.state = { kind: 'authorization', failures: this.state.failures };
      await this.bad('Line too long.');
      return;
    }
    const { line } = input;
    try {
      if (this.state.kind === 'authorization' && this.state.saslPending) {
        await saslResponse(this, line.toString('latin1'));
        return;
      }
      if (line.length + 2 > MAX_COMMAND_LINE && !/^auth /i.test(line.subarray(0, 5).toString('latin1'))) {
        await this.bad('Line too long.');
        return;
      }
      const parsed = parseCommand(line);
      if (!parsed.ok) {
        await this.bad(parsed.unknown ? 'Unknown command.' : `Invalid arguments: ${parsed.error}.`);
        return;
      }
      const spec = POP3_COMMAND_TABLE[parsed.command.name] as Pop3CommandSpec<Pop3CommandName>;
      if (!spec.states.includes(this.state.kind)) {
        await this.bad(this.state.kind === 'authorization' ? 'Log in first.' : 'Command not valid in this state.');
        return;
      }
      this.log.trace({ command: parsed.command.name }, 'C:');
      await spec.handle(this, parsed.command as Extract<Pop3Command, { name: Pop3CommandName }>);
      // The limit is on bad commands in a row (as Dovecot's): a long session's occasional mistyped
      // command does not add up to a disconnect.
      this.badCommands = 0;
    } catch (e) {
      const error = pop3ErrorOf(e);
      if (!(e instanceof Pop3Error))
        this.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'POP3 command failed');
      await this.send(err(error.message, error.code));
    }
  }

  /** A refused command; too many close the connection. */
  private async bad(text: string): Promise<void> {
    this.badCommands++;
    if (this.badCommands >= this.opts.limits.pop3MaxBadCommands) {
      await this.close(err(`${text} Too many bad commands, bye.`));
      return;
    }
    await this.send(err(text));
  }
}
