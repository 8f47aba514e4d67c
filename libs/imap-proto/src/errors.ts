/**
 * The typed errors of the protocol layer and how they go on the wire. {@link ImapParseError}: a command that does
 * not parse (answered BAD, or NO for an unsupported charset). {@link ImapFrameError}: input the framer refused
 * (over-long line, literal or command over a limit); `fatal` ones end the connection with BYE.
 */

/** Longest error text: messages may quote client input, which must not be echoed at length. */
const MAX_MESSAGE = 200;

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}...` : text;
}

/** Response codes (RFC 5530, RFC 3501 BADCHARSET) the protocol layer attaches to its errors. */
export type ImapErrorCode = 'TOOBIG' | 'LIMIT' | 'BADCHARSET' | 'CLIENTBUG';

/** Charsets SEARCH accepts (sent in `[BADCHARSET (...)]`). */
export const SEARCH_CHARSETS: readonly string[] = ['UTF-8', 'US-ASCII'];

export interface ImapParseErrorOptions {
  /** The command's tag, when it could be read (else the answer is untagged `* BAD`). */
  tag?: string | null;
  /** Upper-case command name, when it could be read. */
  command?: string | null;
  status?: 'BAD' | 'NO';
  code?: ImapErrorCode | null;
  /** True when the command name itself is unknown. */
  unknownCommand?: boolean;
}

/** A command that cannot be parsed. `message` is written for the client (`TAG BAD message`). */
export class ImapParseError extends Error {
  override readonly name = 'ImapParseError';
  readonly tag: string | null;
  readonly command: string | null;
  readonly status: 'BAD' | 'NO';
  readonly code: ImapErrorCode | null;
  readonly unknownCommand: boolean;

  constructor(message: string, options: ImapParseErrorOptions = {}) {
    super(clip(message));
    this.tag = options.tag ?? null;
    this.command = options.command ?? null;
    this.status = options.status ?? 'BAD';
    this.code = options.code ?? null;
    this.unknownCommand = options.unknownCommand ?? false;
  }

  /** The same error with the tag and command name filled in where they were unknown. */
  withContext(tag: string | null, command: string | null): ImapParseError {
    return new ImapParseError(this.message, {
      tag: this.tag ?? tag,
      command: this.command ?? command,
      status: this.status,
      code: this.code,
      unknownCommand: this.unknownCommand,
    });
  }
}

export type ImapFrameErrorKind =
  /** a line part longer than `maxLineLength` */
  | 'line-too-long'
  /** a literal over `maxLiteralSize` / `maxAppendSize` */
  | 'literal-too-large'
  /** a command over `maxCommandSize` / `maxAppendTotalSize` */
  | 'command-too-large'
  /** more than `maxLiterals` literals */
  | 'too-many-literals'
  /** resynchronising would mean dropping more than `maxDiscardSize` octets: the connection must close */
  | 'discard-limit';

export interface ImapFrameErrorOptions {
  tag: string | null;
  command: string | null;
  status: 'BAD' | 'NO' | 'BYE';
  code: ImapErrorCode | null;
  fatal: boolean;
}

/**
 * Input the framer refused. The framer has already resynchronised (it skips what the client still sends of the
 * refused command) unless `fatal`, in which case the server sends `* BYE` and closes.
 */
export class ImapFrameError extends Error {
  override readonly name = 'ImapFrameError';
  readonly kind: ImapFrameErrorKind;
  readonly tag: string | null;
  readonly command: string | null;
  readonly status: 'BAD' | 'NO' | 'BYE';
  readonly code: ImapErrorCode | null;
  readonly fatal: boolean;

  constructor(kind: ImapFrameErrorKind, message: string, options: ImapFrameErrorOptions) {
    super(message);
    this.kind = kind;
    this.tag = options.tag;
    this.command = options.command;
    this.status = options.status;
    this.code = options.code;
    this.fatal = options.fatal;
  }
}

/** The text of a response code as sent between brackets. */
export function responseCodeText(code: ImapErrorCode): string {
  return code === 'BADCHARSET' ? `BADCHARSET (${SEARCH_CHARSETS.join(' ')})` : code;
}

/**
 * The response line for an error: `TAG BAD [CODE] text`, `* BAD ...` when the tag is unknown, `* BYE ...` for a
 * fatal frame error. The text is clipped to 200 characters; CR, LF and NUL become spaces, other non-ASCII `?`.
 */
export function errorResponse(error: ImapParseError | ImapFrameError): Buffer {
  const prefix = error.status === 'BYE' || error.tag === null ? '*' : error.tag;
  const code = error.code === null ? '' : `[${responseCodeText(error.code)}] `;
  const text = clip(error.message)
    .replace(/[\r\n\0]/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
  return Buffer.from(`${prefix} ${error.status} ${code}${text}\r\n`, 'utf8');
}
