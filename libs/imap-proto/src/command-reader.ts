/**
 * The cursor the command parsers read with: walks the line parts and literals of a {@link FramedCommand} and
 * reads the RFC 3501 §9 tokens (atom, number, quoted, literal, astring, nstring, list-mailbox, flag, sequence set,
 * parenthesised lists). Every failure is an {@link ImapParseError} naming what was expected.
 */
import type { FramedCommand } from './command-framer.js';
import { ImapParseError } from './errors.js';
import { type ImapLimits, MAX_MODSEQ, MAX_NUMBER } from './limits.js';
import { parseSequenceSet, type SequenceSet } from './sequence-set.js';

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;

/** ATOM-CHAR: any CHAR except atom-specials `( ) { SP CTL % * " \ ]`. */
function isAtomChar(b: number): boolean {
  if (b <= 0x20 || b >= 0x7f) return false;
  return (
    b !== 0x28 && b !== 0x29 && b !== 0x7b && b !== 0x25 && b !== 0x2a && b !== DQUOTE && b !== BACKSLASH && b !== 0x5d
  );
}

/** ASTRING-CHAR: ATOM-CHAR or `]`. */
function isAstringChar(b: number): boolean {
  return b === 0x5d || isAtomChar(b);
}

/** list-char: ATOM-CHAR, `%`, `*` or `]`. */
function isListChar(b: number): boolean {
  return b === 0x25 || b === 0x2a || isAstringChar(b);
}

/** A string value read from the command, with whether it came as a literal8. */
export interface ReadString {
  bytes: Buffer;
  binary: boolean;
}

export class CommandReader {
  private index = 0;
  private pos = 0;
  private readonly lines: readonly Buffer[];
  private readonly literals: readonly Buffer[];

  constructor(
    command: Pick<FramedCommand, 'lines' | 'literals'>,
    readonly limits: Readonly<ImapLimits>,
  ) {
    this.lines = command.lines;
    this.literals = command.literals;
    if (this.lines.length !== this.literals.length + 1) throw new ImapParseError('Malformed command framing');
  }

  /** No NUL anywhere in the command's lines (checked after the tag, so the BAD can carry it). */
  assertNoNul(): void {
    for (const line of this.lines) {
      if (line.includes(0)) throw new ImapParseError('NUL octet in command line');
    }
  }

  private get line(): Buffer {
    return this.lines[this.index] as Buffer;
  }

  fail(message: string): never {
    throw new ImapParseError(message);
  }

  /** The next octet of the current line part, or -1 at its end. */
  peek(): number {
    const line = this.line;
    return this.pos < line.length ? (line[this.pos] as number) : -1;
  }

  /** True at the end of the command. */
  atEnd(): boolean {
    return this.index === this.lines.length - 1 && this.pos === this.line.length;
  }

  /** Fails unless at the end of the command. */
  end(): void {
    if (!this.atEnd()) this.fail(`Unexpected ${this.describeNext()} at end of command`);
  }

  describeNext(): string {
    if (this.pos >= this.line.length) return this.index < this.literals.length ? 'literal' : 'end of command';
    const rest = this.line.subarray(this.pos, this.pos + 20).toString('latin1');
    return JSON.stringify(rest.length === 20 ? `${rest}...` : rest);
  }

  /** Exactly one space. */
  sp(): void {
    if (this.peek() !== SP) this.fail(`Expected a space, got ${this.describeNext()}`);
    this.pos++;
  }

  /** Consumes a space when one is next. */
  trySp(): boolean {
    if (this.peek() !== SP) return false;
    this.pos++;
    return true;
  }

  /** Consumes `ch` when it is next. */
  tryChar(ch: string): boolean {
    if (this.peek() !== ch.charCodeAt(0)) return false;
    this.pos++;
    return true;
  }

  expectChar(ch: string): void {
    if (!this.tryChar(ch)) this.fail(`Expected "${ch}", got ${this.describeNext()}`);
  }

  /** Octets while `test` holds (within the current line part), as latin1 text. */
  run(test: (b: number) => boolean): string {
    const line = this.line;
    const start = this.pos;
    while (this.pos < line.length && test(line[this.pos] as number)) this.pos++;
    if (this.pos < line.length && (line[this.pos] as number) >= 0x80) {
      this.fail('8-bit octet outside a quoted string or literal');
    }
    return line.toString('latin1', start, this.pos);
  }

  /** 1*ATOM-CHAR. */
  atom(what = 'atom'): string {
    const text = this.run(isAtomChar);
    if (text === '') this.fail(`Expected ${what}, got ${this.describeNext()}`);
    return text;
  }

  /** An atom, upper-cased (command names, keywords). */
  keyword(what = 'keyword'): string {
    return this.atom(what).toUpperCase();
  }

  /** The cursor, for {@link restore}. */
  snapshot(): { index: number; pos: number } {
    return { index: this.index, pos: this.pos };
  }

  restore(at: { index: number; pos: number }): void {
    this.index = at.index;
    this.pos = at.pos;
  }

  /** Consumes `word` (any case) when it is next and followed by a space, `(` or the end of the line part. */
  tryKeyword(word: string): boolean {
    const line = this.line;
    const end = this.pos + word.length;
    if (end > line.length || line.toString('latin1', this.pos, end).toUpperCase() !== word) return false;
    const after = end < line.length ? line[end] : -1;
    if (after !== -1 && after !== SP && after !== 0x28) return false;
    this.pos = end;
    return true;
  }

  /** Octets up to a space, `)` or the end of the line part (for sequence sets, numbers, dates). */
  word(what: string): string {
    const text = this.run((b) => b > SP && b < 0x7f && b !== 0x29 && b !== 0x28);
    if (text === '') this.fail(`Expected ${what}, got ${this.describeNext()}`);
    return text;
  }

  /** The tag: 1*ASTRING-CHAR except `+`. */
  tag(): string {
    const text = this.run((b) => b !== 0x2b && isAstringChar(b));
    if (text === '' || (this.peek() !== SP && this.peek() !== -1)) this.fail('Invalid tag');
    return text;
  }

  /** number: 1*DIGIT, at most 2^32-1. */
  number(what = 'number'): number {
    const text = this.run((b) => b >= 0x30 && b <= 0x39);
    if (text === '') this.fail(`Expected ${what}, got ${this.describeNext()}`);
    if (text.length > 10 || Number(text) > MAX_NUMBER) this.fail(`${what} ${text} is out of range`);
    return Number(text);
  }

  /** nz-number. */
  nzNumber(what = 'number'): number {
    const n = this.number(what);
    if (n === 0) this.fail(`${what} must not be 0`);
    return n;
  }

  /**
   * mod-sequence-value (1..2^63-1, or 0 with `allowZero`), as a number: values past 2^53-1 (which no store of
   * ours reaches) become Number.MAX_SAFE_INTEGER, which compares the same against every real modseq.
   */
  modseq(allowZero: boolean): number {
    const text = this.run((b) => b >= 0x30 && b <= 0x39);
    if (text === '') this.fail(`Expected a mod-sequence value, got ${this.describeNext()}`);
    if (text.length > 19 || BigInt(text) > MAX_MODSEQ) this.fail(`Mod-sequence value ${text} is out of range`);
    const value = BigInt(text);
    if (value === 0n && !allowZero) this.fail('Mod-sequence value must not be 0');
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }

  /** A sequence set (`*` allowed unless `noStar`). */
  sequenceSet(noStar = false): SequenceSet {
    const text = this.word('a sequence set');
    const set = parseSequenceSet(text, this.limits.maxSequenceRanges);
    if (noStar && set.ranges.some((r) => r.from === '*' || r.to === '*')) this.fail('"*" is not allowed here');
    return set;
  }

  /** quoted: `"` with `\"` and `\\` escapes; 8-bit octets are kept (UTF-8). */
  private quoted(): Buffer {
    const line = this.line;
    this.pos++;
    const out: number[] = [];
    for (;;) {
      if (this.pos >= line.length) this.fail('Unterminated quoted string');
      const b = line[this.pos++] as number;
      if (b === DQUOTE) return Buffer.from(out);
      if (b === BACKSLASH) {
        const next = line[this.pos++];
        if (next !== DQUOTE && next !== BACKSLASH) this.fail('Invalid escape in quoted string');
        out.push(next);
      } else {
        out.push(b);
      }
    }
  }

  /** A literal (`{n}`, `{n+}`, and with `allowBinary` `~{n}`) whose marker ends the current line part. */
  private literal(allowBinary: boolean, allowNul: boolean): ReadString {
    const line = this.line;
    const binary = line[this.pos] === 0x7e;
    if (binary && !allowBinary) this.fail('literal8 is not allowed here');
    const m = /^~?\{([0-9]+)\+?\}$/.exec(line.toString('latin1', this.pos));
    const data = this.literals[this.index];
    if (m === null || data === undefined) this.fail('Invalid literal');
    if (Number(m[1]) !== data.length) this.fail('Literal size does not match');
    if (!binary && !allowNul && data.includes(0)) this.fail('NUL octet in literal');
    this.index++;
    this.pos = 0;
    return { bytes: data, binary };
  }

  /** True when a literal starts here. */
  atLiteral(): boolean {
    const b = this.peek();
    return b === LBRACE || (b === 0x7e && this.line[this.pos + 1] === LBRACE);
  }

  /** string: quoted or literal. */
  string(what = 'string'): Buffer {
    if (this.peek() === DQUOTE) return this.quoted();
    if (this.atLiteral()) return this.literal(false, false).bytes;
    return this.fail(`Expected ${what}, got ${this.describeNext()}`);
  }

  /** A literal or literal8 (APPEND message data); NUL octets allowed. */
  messageLiteral(): ReadString {
    if (!this.atLiteral()) this.fail(`Expected a literal, got ${this.describeNext()}`);
    return this.literal(true, true);
  }

  /** astring: 1*ASTRING-CHAR or string. */
  astring(what = 'astring'): Buffer {
    if (this.peek() === DQUOTE || this.atLiteral()) return this.string(what);
    const text = this.run(isAstringChar);
    if (text === '') this.fail(`Expected ${what}, got ${this.describeNext()}`);
    return Buffer.from(text, 'latin1');
  }

  /** nstring: NIL or string. */
  nstring(what = 'nstring'): Buffer | null {
    if (this.peek() === DQUOTE || this.atLiteral()) return this.string(what);
    if (this.keyword(what) !== 'NIL') this.fail(`Expected ${what}`);
    return null;
  }

  /** list-mailbox: 1*list-char or string. */
  listMailbox(): Buffer {
    if (this.peek() === DQUOTE || this.atLiteral()) return this.string('mailbox pattern');
    const text = this.run(isListChar);
    if (text === '') this.fail(`Expected a mailbox pattern, got ${this.describeNext()}`);
    return Buffer.from(text, 'latin1');
  }

  /** `(` item *(SP item) `)`; with `allowEmpty`, `()` too. */
  list<T>(item: () => T, allowEmpty: boolean, what = 'list'): T[] {
    if (!this.tryChar('(')) this.fail(`Expected ${what}, got ${this.describeNext()}`);
    const out: T[] = [];
    if (this.tryChar(')')) {
      if (!allowEmpty) this.fail(`Empty ${what}`);
      return out;
    }
    for (;;) {
      out.push(item());
      if (this.tryChar(')')) return out;
      this.sp();
    }
  }
}
