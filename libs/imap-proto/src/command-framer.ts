/**
 * Server-side IMAP input framing (RFC 3501 §4.3, RFC 7888 LITERAL+/LITERAL-, RFC 3516 literal8): bytes in,
 * complete commands out, each as its line parts and literals. Pull-based: `push()` received chunks, then call
 * `next()` until it returns null; between calls the server may switch to raw-line mode (AUTHENTICATE responses,
 * IDLE's DONE). A synchronising literal `{n}` yields a `continue` event (send `+ ...`, or `rejectLiteral()`);
 * `{n+}` is read at once. Limits come from {@link ImapLimits}; a refused command yields an `error` event and the
 * framer skips what the client still sends of it (RFC 7888 §4), or, past `maxDiscardSize`, a fatal error.
 */
import { ByteQueue } from './byte-queue.js';
import { ImapFrameError, type ImapFrameErrorKind } from './errors.js';
import { type ImapLimits, imapLimits } from './limits.js';

const LF = 0x0a;
const CR = 0x0d;
/** `{n}`, `{n+}`, `~{n}`, `~{n+}` at the end of a line part. */
const LITERAL_MARKER = /(~?)\{([0-9]+)(\+?)\}$/;
/** Enough of a line's end to hold any literal marker. */
const MARKER_TAIL = 32;

/** A complete command: `lines[i]` ends with the marker of `literals[i]`; there is one more line than literals. */
export interface FramedCommand {
  /** The tag as read from the first line (null when there is none). */
  tag: string | null;
  /** The upper-case command name as read from the first line (null when there is none), for logs and errors. */
  name: string | null;
  /** Line parts without CRLF. */
  lines: Buffer[];
  literals: Buffer[];
}

export type FrameEvent =
  | { type: 'command'; command: FramedCommand }
  /**
   * A synchronising literal is announced: send a continuation (`+ Ready`) or call `rejectLiteral()` and answer
   * the tag (for example `NO [OVERQUOTA]`).
   */
  | { type: 'continue'; tag: string | null; name: string | null; size: number; binary: boolean }
  /** A line read in raw-line mode (an AUTHENTICATE response, `DONE`). */
  | { type: 'line'; line: Buffer }
  | { type: 'error'; error: ImapFrameError };

export type FrameMode = 'command' | 'line';

interface Pending {
  tag: string | null;
  name: string | null;
  isAppend: boolean;
  lines: Buffer[];
  literals: Buffer[];
  /** line parts plus non-APPEND literals */
  size: number;
  /** APPEND literals */
  appendSize: number;
}

type State =
  | { kind: 'line' }
  /** `data` is allocated (exact size) when the first octet arrives; `filled` octets are in. */
  | { kind: 'literal'; size: number; filled: number; data: Buffer | null }
  | { kind: 'discard-line'; tail: string }
  | { kind: 'discard-literal'; remaining: number }
  | { kind: 'closed' };

const TAG_CHARS = /^[\x21\x23\x24\x26\x27\x2b-\x5b\x5d-\x7a\x7c-\x7e]+$/;

/**
 * Tag and upper-case command name from the start of a first line, when they look like ones. With `partial` (the
 * line has not ended) a tag counts only when a space follows it.
 */
export function peekTagAndName(line: Buffer, partial = false): { tag: string | null; name: string | null } {
  const text = line.subarray(0, 256).toString('latin1');
  const sp = text.indexOf(' ');
  if (sp === -1 && (partial || line.length > 256)) return { tag: null, name: null };
  const tag = sp === -1 ? text : text.slice(0, sp);
  if (!TAG_CHARS.test(tag) || tag.includes('+')) return { tag: null, name: null };
  if (sp === -1) return { tag, name: null };
  const m = /^[A-Za-z][A-Za-z0-9.-]*/.exec(text.slice(sp + 1));
  return { tag, name: m === null ? null : m[0].toUpperCase() };
}

export class ImapCommandFramer {
  private readonly limits: Readonly<ImapLimits>;
  private readonly queue = new ByteQueue();
  private state: State = { kind: 'line' };
  private pending: Pending | null = null;
  /** Bytes of the queue already searched for LF in the current line. */
  private scanned = 0;
  /** Bytes dropped while resynchronising after the last refused command. */
  private discarded = 0;

  constructor(limits: Partial<ImapLimits> = {}) {
    this.limits = imapLimits(limits);
  }

  /** Received bytes. */
  push(chunk: Buffer): void {
    if (this.state.kind !== 'closed') this.queue.push(chunk);
  }

  /** Octets held: unread input plus a literal being received. */
  get bufferedBytes(): number {
    return this.queue.length + (this.state.kind === 'literal' ? this.state.filled : 0);
  }

  /** True when no part of a command is held (a clean point to close the connection). */
  get atCommandBoundary(): boolean {
    return this.pending === null && this.queue.length === 0 && this.state.kind === 'line';
  }

  /** True after a fatal error: the server must close the connection. */
  get closed(): boolean {
    return this.state.kind === 'closed';
  }

  /**
   * Drops every octet held and any partial command, and returns how many octets that was. Call it when the
   * input must start afresh — above all right before the STARTTLS handshake (RFC 7817 §3: nothing sent in plain
   * text may be taken as part of what follows; a non-zero result is a client error or an injection attempt).
   */
  reset(): number {
    const dropped = this.bufferedBytes;
    this.queue.skip(this.queue.length);
    this.pending = null;
    this.scanned = 0;
    this.discarded = 0;
    if (this.state.kind !== 'closed') this.state = { kind: 'line' };
    return dropped;
  }

  /**
   * Refuses the synchronising literal just announced by a `continue` event: the command is dropped, the client
   * (which waits for `+`) sees the server's tagged answer, and the next line is a new command.
   */
  rejectLiteral(): void {
    if (this.state.kind !== 'literal' || this.pending === null) {
      throw new Error('rejectLiteral() without a pending literal');
    }
    this.pending = null;
    this.state = { kind: 'line' };
  }

  /**
   * The next event, or null when more input is needed. In `'line'` mode a line that does not continue a
   * command is returned as a raw `line` event.
   */
  next(mode: FrameMode = 'command'): FrameEvent | null {
    for (;;) {
      const state = this.state;
      switch (state.kind) {
        case 'closed':
          return null;
        case 'literal': {
          const k = Math.min(state.size - state.filled, this.queue.length);
          if (k > 0) {
            state.data ??= Buffer.allocUnsafe(state.size);
            this.queue.takeInto(state.data, state.filled, k);
            state.filled += k;
          }
          if (state.filled < state.size) return null;
          (this.pending as Pending).literals.push(state.data ?? Buffer.alloc(0));
          this.state = { kind: 'line' };
          break;
        }
        case 'discard-literal': {
          const k = Math.min(state.remaining, this.queue.length);
          this.queue.skip(k);
          state.remaining -= k;
          if (state.remaining > 0) return null;
          this.state = { kind: 'discard-line', tail: '' };
          break;
        }
        case 'discard-line': {
          const lf = this.queue.indexOf(LF);
          const n = lf === -1 ? this.queue.length : lf + 1;
          if (n === 0) return null;
          const dropped = this.queue.take(n);
          this.discarded += n;
          const tail = (state.tail + dropped.subarray(Math.max(0, n - MARKER_TAIL)).toString('latin1')).slice(
            -MARKER_TAIL - 2,
          );
          if (lf === -1) {
            if (this.discarded > this.limits.maxDiscardSize) return this.fatal(null, null);
            this.state = { kind: 'discard-line', tail };
            return null;
          }
          const marker = LITERAL_MARKER.exec(tail.replace(/\r?\n$/, ''));
          if (marker !== null && marker[3] === '+') {
            const size = markerSize(marker[2] as string);
            if (this.discarded + size > this.limits.maxDiscardSize) return this.fatal(null, null);
            this.state = { kind: 'discard-literal', remaining: size };
          } else {
            this.state = { kind: 'line' };
          }
          break;
        }
        case 'line': {
          const event = this.readLine(mode);
          if (event !== undefined) return event;
          break;
        }
      }
    }
  }

  /** One line part in line state: an event, null (need input) or undefined (state changed, go on). */
  private readLine(mode: FrameMode): FrameEvent | null | undefined {
    const max = this.limits.maxLineLength;
    const lf = this.queue.indexOf(LF, this.scanned);
    if (lf === -1) {
      this.scanned = this.queue.length;
      if (this.queue.length <= max + 1) return null;
      return this.refuseLongLine();
    }
    const raw = this.queue.take(lf + 1);
    this.scanned = 0;
    const line = raw.subarray(0, lf > 0 && raw[lf - 1] === CR ? lf - 1 : lf);
    if (line.length > max) {
      const head = this.pending ?? { ...peekTagAndName(line, true), isAppend: false };
      this.pending = null;
      return this.refuse(head, 'line-too-long', 'Command line too long', 'TOOBIG', markerOf(line));
    }

    if (this.pending === null) {
      if (mode === 'line') return { type: 'line', line };
      if (line.length === 0) return undefined;
      const { tag, name } = peekTagAndName(line);
      this.pending = { tag, name, isAppend: name === 'APPEND', lines: [], literals: [], size: 0, appendSize: 0 };
    }
    const cmd = this.pending;
    cmd.lines.push(line);
    cmd.size += line.length;
    const marker = markerOf(line);
    if (cmd.size > this.limits.maxCommandSize) {
      return this.refuse(cmd, 'command-too-large', 'Command too large', 'TOOBIG', marker);
    }
    if (marker === null) {
      this.pending = null;
      return { type: 'command', command: { tag: cmd.tag, name: cmd.name, lines: cmd.lines, literals: cmd.literals } };
    }
    const size = markerSize(marker[2] as string);
    if (marker[3] === '+' && size > this.limits.maxNonSyncLiteralSize) {
      return this.refuse(cmd, 'literal-too-large', 'Non-synchronizing literal too large', 'TOOBIG', marker, 'BAD');
    }
    if (cmd.literals.length >= this.limits.maxLiterals) {
      return this.refuse(cmd, 'too-many-literals', 'Too many literals in one command', 'LIMIT', marker);
    }
    if (cmd.isAppend) {
      if (size > this.limits.maxAppendSize) {
        return this.refuse(cmd, 'literal-too-large', 'Message too large', 'TOOBIG', marker);
      }
      cmd.appendSize += size;
      if (cmd.appendSize > this.limits.maxAppendTotalSize) {
        return this.refuse(cmd, 'command-too-large', 'Messages too large', 'TOOBIG', marker);
      }
    } else {
      if (size > this.limits.maxLiteralSize) {
        return this.refuse(cmd, 'literal-too-large', 'Literal too large', 'TOOBIG', marker);
      }
      cmd.size += size;
      if (cmd.size > this.limits.maxCommandSize) {
        return this.refuse(cmd, 'command-too-large', 'Command too large', 'TOOBIG', marker);
      }
    }
    this.state = { kind: 'literal', size, filled: 0, data: null };
    if (marker[3] === '+') return undefined;
    return { type: 'continue', tag: cmd.tag, name: cmd.name, size, binary: marker[1] === '~' };
  }

  /** The line under way is longer than allowed: report, then drop it up to its LF. */
  private refuseLongLine(): FrameEvent {
    const cmd = this.pending;
    const head = cmd === null ? peekTagAndName(this.queue.peek(256), true) : cmd;
    this.pending = null;
    this.scanned = 0;
    this.discarded = 0;
    this.state = { kind: 'discard-line', tail: '' };
    return this.error('line-too-long', 'Command line too long', head.tag, head.name, 'BAD', 'TOOBIG');
  }

  /**
   * Refuses the pending command at the end of a line part. A synchronising literal will not be sent (the client
   * waits for `+`); a non-synchronising one is dropped with the rest of the command, unless it is bigger than
   * `maxDiscardSize`, which closes the connection.
   */
  private refuse(
    cmd: { tag: string | null; name: string | null; isAppend: boolean },
    kind: ImapFrameErrorKind,
    message: string,
    code: 'TOOBIG' | 'LIMIT',
    marker: RegExpExecArray | null,
    forceStatus?: 'BAD',
  ): FrameEvent {
    this.pending = null;
    this.discarded = 0;
    // RFC 7889/5530: an APPEND over the size limit is a NO [TOOBIG]; malformed-size input elsewhere a BAD.
    const appendTooBig = cmd.isAppend && (kind === 'literal-too-large' || kind === 'command-too-large');
    const status = forceStatus ?? (appendTooBig ? 'NO' : 'BAD');
    if (marker !== null && marker[3] === '+') {
      const size = markerSize(marker[2] as string);
      if (size > this.limits.maxDiscardSize) return this.fatal(cmd.tag, cmd.name, message);
      this.state = { kind: 'discard-literal', remaining: size };
    } else {
      this.state = { kind: 'line' };
    }
    return this.error(kind, message, cmd.tag, cmd.name, status, code);
  }

  private fatal(tag: string | null, name: string | null, message = 'Too much input to resynchronise'): FrameEvent {
    this.state = { kind: 'closed' };
    this.pending = null;
    return {
      type: 'error',
      error: new ImapFrameError('discard-limit', message, {
        tag,
        command: name,
        status: 'BYE',
        code: 'TOOBIG',
        fatal: true,
      }),
    };
  }

  private error(
    kind: ImapFrameErrorKind,
    message: string,
    tag: string | null,
    name: string | null,
    status: 'BAD' | 'NO',
    code: 'TOOBIG' | 'LIMIT',
  ): FrameEvent {
    return {
      type: 'error',
      error: new ImapFrameError(kind, message, { tag, command: name, status, code, fatal: false }),
    };
  }
}

function markerOf(line: Buffer): RegExpExecArray | null {
  return LITERAL_MARKER.exec(line.subarray(Math.max(0, line.length - MARKER_TAIL)).toString('latin1'));
}

/** The size in a literal marker; absurdly long digit strings become Infinity (over any limit). */
function markerSize(digits: string): number {
  return digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits);
}
