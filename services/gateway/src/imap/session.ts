/**
 * One IMAP connection: the framer (@kgc/imap-proto) turns bytes into commands, which run one at
 * a time through the command table after the state check; literals get their continuation;
 * AUTHENTICATE and IDLE switch the input to lines. The socket is paused while a command runs and
 * the framer holds more than INPUT_HIGH_WATER bytes. Change notices (bus or long poll) mark the
 * selected mailbox dirty; it is brought up to date before the next tagged answer, or at once
 * while IDLE. Limits: imap_max_fail_commands BAD answers, login failures, idle timeouts.
 */
import {
  errorResponse,
  type FramedCommand,
  type FrameEvent,
  type ImapCommand,
  ImapCommandFramer,
  type ImapCommandName,
  type ImapCommandOf,
  type ImapFrameError,
  ImapParseError,
  isIdleDone,
  parseCommand,
  parseSaslResponse,
  responseCodeText,
} from '@kgc/imap-proto';
import type { Limits } from '../limits.js';
import type { Connection } from '../net/connection.js';
import { type MailStore, type MailStoreProvider, StoreError } from '../store/types.js';
import type { AnswerCache } from './answer-cache.js';
import { capabilities } from './capabilities.js';
import { plainLogin } from './commands/authenticate.js';
import { IMAP_COMMAND_TABLE } from './commands/index.js';
import type { ImapCommandSpec, ImapContext, ImapSettings, TaggedOk } from './context.js';
import { ImapError, imapErrorOf } from './errors.js';
import { MailboxTree } from './names.js';
import type { SelectedMailbox } from './selected.js';
import type { ImapState, InputMode } from './state.js';
import { cleanText } from './wire.js';

/** Framer bytes beyond which the socket is paused while a command runs. */
const INPUT_HIGH_WATER = 256 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ImapSessionOptions {
  provider: MailStoreProvider;
  answers: AnswerCache;
  limits: Limits;
  settings: ImapSettings;
  greeting: string;
}

export class ImapSession implements ImapContext {
  state: ImapState = { kind: 'not-authenticated', failures: 0 };
  private mode: InputMode = { kind: 'command' };
  private readonly framer: ImapCommandFramer;
  private pumping = false;
  private chain: Promise<void> = Promise.resolve();
  private fails = 0;
  private condstoreOn = false;
  private qresyncOn = false;
  private dirty = false;
  private unwatch: (() => void) | undefined;
  private closeAfterReply: string | undefined;
  /** Small writes gathered by send() (see there). */
  private out: Buffer[] = [];
  private outBytes = 0;
  private flushScheduled = false;

  constructor(
    private readonly conn: Connection,
    private readonly opts: ImapSessionOptions,
  ) {
    this.framer = new ImapCommandFramer({
      maxAppendSize: opts.settings.maxMessageSize,
      maxAppendTotalSize: Math.max(opts.settings.maxMessageSize, 2 * opts.settings.maxMessageSize),
    });
    conn.setSink((chunk) => this.onData(chunk));
    this.armIdleTimer();
    conn.onClose(() => void this.cleanup());
  }

  get log() {
    return this.conn.log;
  }
  get limits() {
    return this.opts.limits;
  }
  get settings() {
    return this.opts.settings;
  }
  get provider() {
    return this.opts.provider;
  }
  get answers() {
    return this.opts.answers;
  }
  get secure() {
    return this.conn.secure;
  }
  get canStartTls() {
    return this.conn.canStartTls;
  }

  plaintextAllowed(): boolean {
    return !this.opts.settings.disablePlaintextAuth || this.conn.secure || this.conn.local;
  }

  get condstore(): boolean {
    return this.condstoreOn;
  }

  async enableCondstore(opts: { quiet?: boolean } = {}): Promise<void> {
    if (this.condstoreOn) return;
    this.condstoreOn = true;
    if (!opts.quiet && this.state.kind === 'selected')
      await this.untagged(`OK [HIGHESTMODSEQ ${this.state.mailbox.highestModseq()}] Highest.`);
  }

  get qresync(): boolean {
    return this.qresyncOn;
  }

  enableQresync(): void {
    this.qresyncOn = true;
    this.condstoreOn = true;
  }

  capabilities(): string[] {
    return capabilities({
      state: this.state.kind,
      canStartTls: this.canStartTls,
      plaintextAllowed: this.plaintextAllowed(),
      idle: this.opts.settings.idle,
    });
  }

  async start(): Promise<void> {
    await this.send(`* OK [CAPABILITY ${this.capabilities().join(' ')}] ${this.opts.greeting}\r\n`);
  }

  /**
   * Small writes are gathered and go out together once the event loop turns (or a write chunk is
   * full): an answer's last untagged lines and its tagged line, or the answers to pipelined
   * commands, cost one socket write (and one wake-up of the client) instead of one each. Larger data
   * goes straight to the connection (after what is gathered), with its back-pressure.
   */
  send(data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length >= this.limits.writeChunk) return this.flush().then(() => this.conn.write(bytes));
    this.out.push(bytes);
    this.outBytes += bytes.length;
    if (this.outBytes >= this.limits.writeChunk) return this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
    return Promise.resolve();
  }

  /** Writes what send() gathered. */
  private flush(): Promise<void> {
    if (this.out.length === 0) return Promise.resolve();
    const data = this.out.length === 1 ? (this.out[0] as Buffer) : Buffer.concat(this.out);
    this.out = [];
    this.outBytes = 0;
    return this.conn.write(data);
  }

  untagged(text: string): Promise<void> {
    return this.send(`* ${text}\r\n`);
  }

  setMode(mode: InputMode): void {
    this.mode = mode;
  }

  async startTls(): Promise<void> {
    // RFC 3501 §6.2.1 / RFC 7817 §3: nothing received before the handshake may count, whole
    // commands and a partial line alike (else it would be glued to the first command over TLS).
    const dropped = this.framer.reset();
    if (dropped > 0) this.log.info({ bytes: dropped }, 'plaintext after STARTTLS dropped');
    await this.flush();
    await this.conn.startTls();
  }

  private armIdleTimer(): void {
    const ms = this.state.kind === 'not-authenticated' ? this.limits.imapIdleUnauthMs : this.limits.imapIdleAuthMs;
    this.conn.setIdle(ms, () => {
      this.log.debug('IMAP idle timeout');
      void this.bye('Idle timeout, closing connection.');
    });
  }

  private async bye(text: string): Promise<void> {
    await this.cleanup();
    await this.flush();
    await this.conn.end(`* BYE ${cleanText(text)}\r\n`);
  }

  async login(username: string, password: string): Promise<TaggedOk> {
    if (this.state.kind !== 'not-authenticated') throw new ImapError('BAD', 'Already logged in.');
    if (!this.plaintextAllowed())
      throw new ImapError('NO', 'Plaintext authentication disallowed on non-secure connections.', 'PRIVACYREQUIRED');
    const failures = this.state.failures;
    let store: MailStore;
    try {
      store = await this.provider.logon(username, password, 'imap');
    } catch (e) {
      const error = imapErrorOf(e);
      if (e instanceof StoreError && (e.kind === 'auth' || e.kind === 'feature')) {
        const n = failures + 1;
        this.state = { kind: 'not-authenticated', failures: n };
        this.log.info({ user: username, reason: e.kind, failures: n }, 'IMAP login failed');
        await sleep(this.limits.authFailureDelayMs * n);
        if (n >= this.limits.maxAuthFailures) this.closeAfterReply = 'Too many authentication failures.';
      } else
        this.log.warn({ user: username, err: e instanceof Error ? e.message : String(e) }, 'IMAP login: server error');
      throw error;
    }
    this.state = { kind: 'authenticated', store };
    this.armIdleTimer();
    this.log.info({ user: store.username }, 'IMAP login');
    return { code: `CAPABILITY ${this.capabilities().join(' ')}`, text: 'Logged in.' };
  }

  async tree(store: MailStore, fresh = false): Promise<MailboxTree> {
    return new MailboxTree(await store.folders({ fresh }), this.opts.settings.onlyMailFolders);
  }

  select(mailbox: SelectedMailbox | undefined): void {
    const s = this.state;
    if (s.kind !== 'authenticated' && s.kind !== 'selected') return;
    this.unwatch?.();
    this.unwatch = undefined;
    if (s.kind === 'selected') s.mailbox.handle.release();
    this.dirty = false;
    if (!mailbox) {
      this.state = { kind: 'authenticated', store: s.store };
      return;
    }
    this.state = { kind: 'selected', store: s.store, mailbox };
    this.unwatch = s.store.watch(() => {
      this.dirty = true;
      if (this.mode.kind === 'idle') void this.exclusive(() => this.syncSelected(true));
    });
  }

  async syncSelected(allowExpunge: boolean): Promise<void> {
    if (this.state.kind !== 'selected') return;
    const { mailbox } = this.state;
    if (this.dirty) {
      this.dirty = false;
      await mailbox.handle.refresh();
    }
    if (mailbox.inStep) return;
    const lines = mailbox.sync(allowExpunge, this.condstoreOn, this.qresyncOn);
    if (lines.length > 0) await this.send(`${lines.join('\r\n')}\r\n`);
  }

  /** Commands and notifications run one at a time. */
  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch((err: unknown) => {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'IMAP session task failed');
    });
    return this.chain;
  }

  private async cleanup(): Promise<void> {
    this.unwatch?.();
    this.unwatch = undefined;
    const s = this.state;
    this.state = { kind: 'logout' };
    if (this.mode.kind === 'idle') this.mode.stop();
    if (s.kind === 'selected') s.mailbox.handle.release();
    if (s.kind === 'authenticated' || s.kind === 'selected') await s.store.close();
  }

  private onData(chunk: Buffer): void {
    this.framer.push(chunk);
    if (this.pumping && this.framer.bufferedBytes > INPUT_HIGH_WATER) this.conn.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.conn.closed && this.state.kind !== 'logout') {
        const event = this.framer.next(this.mode.kind === 'command' ? 'command' : 'line');
        if (event === null) break;
        await this.exclusive(() => this.onEvent(event));
        if (this.framer.bufferedBytes <= INPUT_HIGH_WATER) this.conn.resume();
        if (this.framer.closed) break;
      }
    } finally {
      this.pumping = false;
      this.conn.resume();
    }
  }

  private async onEvent(event: FrameEvent): Promise<void> {
    switch (event.type) {
      case 'continue':
        await this.send('+ Ready for literal data\r\n');
        return;
      case 'error':
        await this.frameError(event.error);
        return;
      case 'line':
        await this.onLine(event.line);
        return;
      case 'command':
        await this.onCommand(event.command);
        return;
    }
  }

  private async frameError(error: ImapFrameError): Promise<void> {
    // A SASL response that cannot be read (too long) ends the exchange with the command's BAD.
    if (this.mode.kind === 'sasl' && !error.fatal) {
      const { tag } = this.mode;
      this.mode = { kind: 'command' };
      await this.send(
        `${tag} BAD ${error.code ? `[${responseCodeText(error.code)}] ` : ''}${cleanText(error.message)}\r\n`,
      );
      await this.countFailure();
      return;
    }
    await this.send(errorResponse(error));
    if (error.fatal) {
      await this.cleanup();
      await this.flush();
      await this.conn.end();
      return;
    }
    await this.countFailure();
  }

  private async countFailure(): Promise<void> {
    this.fails++;
    if (this.fails >= this.opts.settings.maxFailCommands) await this.bye('Too many invalid commands.');
  }

  private async onLine(line: Buffer): Promise<void> {
    const mode = this.mode;
    this.mode = { kind: 'command' };
    if (mode.kind === 'idle') {
      mode.stop();
      if (isIdleDone(line)) await this.tagged(mode.tag, { text: 'IDLE terminated.' }, true);
      else {
        await this.send(`${mode.tag} BAD Expected DONE.\r\n`);
        await this.countFailure();
      }
      return;
    }
    if (mode.kind === 'sasl') {
      try {
        const r = parseSaslResponse(line);
        if (r.cancel) throw new ImapError('BAD', 'Authentication cancelled.');
        await this.tagged(mode.tag, await plainLogin(this, r.data), false);
      } catch (e) {
        await this.failed(mode.tag, e);
      }
    }
  }

  private async onCommand(framed: FramedCommand): Promise<void> {
    let command: ImapCommand;
    try {
      command = parseCommand(framed, { limits: { maxAppendSize: this.opts.settings.maxMessageSize } });
    } catch (e) {
      if (e instanceof ImapParseError) {
        await this.send(errorResponse(e));
        if (e.status === 'BAD') await this.countFailure();
        return;
      }
      throw e;
    }
    const spec = IMAP_COMMAND_TABLE[command.name] as ImapCommandSpec<ImapCommandName> | undefined;
    if (!spec) {
      await this.send(`${command.tag} BAD Command not supported.\r\n`);
      await this.countFailure();
      return;
    }
    if (!spec.states.includes(this.state.kind)) {
      await this.send(`${command.tag} BAD Command not valid in this state.\r\n`);
      await this.countFailure();
      return;
    }
    this.log.trace({ tag: command.tag, command: command.name }, 'C:');
    const cmd = command as ImapCommandOf<ImapCommandName>;
    const allowExpunge = !(spec.holdsExpunges?.(cmd) ?? false);
    try {
      const ok = await spec.handle(this, cmd);
      if (ok) await this.tagged(command.tag, ok, allowExpunge);
      // Bad commands count in a row (as Dovecot's): one that worked starts the count again.
      this.fails = 0;
    } catch (e) {
      await this.failed(command.tag, e, allowExpunge);
    }
  }

  /** After a command that held expunges back, the HIGHESTMODSEQ a client may rely on (see heldBackModseq). */
  private async heldBack(): Promise<void> {
    if (!this.condstoreOn || this.state.kind !== 'selected') return;
    const modseq = this.state.mailbox.heldBackModseq();
    if (modseq !== undefined) await this.send(`* OK [HIGHESTMODSEQ ${modseq}] Expunges not reported yet.\r\n`);
  }

  private async tagged(tag: string, ok: TaggedOk, allowExpunge: boolean): Promise<void> {
    await this.syncSelected(allowExpunge);
    await this.heldBack();
    const code = ok.code ? `[${ok.code}] ` : '';
    await this.send(`${tag} OK ${code}${cleanText(ok.text)}\r\n`);
    if (this.state.kind === 'logout') {
      await this.cleanup();
      await this.flush();
      await this.conn.end();
    }
  }

  private async failed(tag: string, e: unknown, allowExpunge = false): Promise<void> {
    const error = imapErrorOf(e);
    if (!(e instanceof ImapError) && !(e instanceof StoreError))
      this.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'IMAP command failed');
    await this.syncSelected(allowExpunge).catch(() => undefined);
    await this.heldBack();
    await this.send(`${tag} ${error.status} ${error.code ? `[${error.code}] ` : ''}${cleanText(error.message)}\r\n`);
    if (this.closeAfterReply) {
      const text = this.closeAfterReply;
      this.closeAfterReply = undefined;
      await this.bye(text);
      return;
    }
    if (error.status === 'BAD') await this.countFailure();
    else this.fails = 0;
  }
}
