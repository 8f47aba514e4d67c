import { ByteWriter, CR, EMPTY, LF, NUL, SP, TAB } from './bytes.js';

/**
 * RFC 822 / 5322 / 2045 lexical reader over a byte range, with the exact tolerance rules of Dovecot 2.3's
 * rfc822-parser (which the IMAP answers in the fixture corpus come from). Return convention of the
 * `parse*`/`skip*` methods: 1 = a value was read and more input follows, 0 = read up to the end of input,
 * -1 = syntax error. Output is appended to a {@link ByteWriter}, so 8-bit bytes are kept as they are.
 */

/** atext marks: 1 = atext, 2 = atext and MIME token char (alnum, 8-bit), 4 = atext but MIME tspecial. */
const ATEXT = new Uint8Array(256);
for (let c = 0x80; c < 0x100; c++) ATEXT[c] = 2;
for (let c = 0x30; c <= 0x39; c++) ATEXT[c] = 2;
for (let c = 0x41; c <= 0x5a; c++) ATEXT[c] = 2;
for (let c = 0x61; c <= 0x7a; c++) ATEXT[c] = 2;
for (const ch of "!#$%&'*+-^_`{|}~") ATEXT[ch.charCodeAt(0)] = 1;
for (const ch of '/=?') ATEXT[ch.charCodeAt(0)] = 4;

const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LPAREN = 0x28;
const RPAREN = 0x29;
const DOT = 0x2e;
const SLASH = 0x2f;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const AT = 0x40;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** UTF-8 of U+FFFD, what Dovecot puts in place of a NUL inside quoted strings, comments and literals. */
const NUL_REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

export function isAtext(byte: number | undefined): boolean {
  return byte !== undefined && ATEXT[byte] !== 0;
}

function isTokenChar(byte: number | undefined): boolean {
  return byte !== undefined && ((ATEXT[byte] as number) & 3) !== 0;
}

export type ReadResult = 1 | 0 | -1;

export class Rfc822Reader {
  pos: number;
  readonly end: number;
  /** When set, the text of the last comment skipped is kept here (used for "addr (Name)" display names). */
  lastComment: ByteWriter | null = null;

  constructor(
    readonly data: Buffer,
    start = 0,
    end = data.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The byte at the read position (undefined at the end). */
  peek(): number | undefined {
    return this.pos < this.end ? this.data[this.pos] : undefined;
  }

  skipComment(): ReadResult {
    const data = this.data;
    const comment = this.lastComment;
    comment?.truncate(0);
    let level = 1;
    let start = ++this.pos;
    for (; this.pos < this.end; this.pos++) {
      const c = data[this.pos];
      if (c === NUL) {
        if (comment) {
          comment.bytes(data, start, this.pos);
          comment.bytes(NUL_REPLACEMENT);
          start = this.pos + 1;
        }
      } else if (c === LPAREN) {
        level++;
      } else if (c === RPAREN) {
        if (--level === 0) {
          comment?.bytes(data, start, this.pos);
          this.pos++;
          return this.pos < this.end ? 1 : 0;
        }
      } else if (c === LF) {
        if (comment) {
          let len = this.pos - start;
          if (len > 0 && data[this.pos - 1] === CR) len--;
          comment.bytes(data, start, start + len);
          start = this.pos + 1;
        }
      } else if (c === BACKSLASH) {
        this.pos++;
        if (this.pos >= this.end) return -1;
        const n = data[this.pos];
        if (n === CR || n === LF || n === NUL) {
          this.pos--;
        } else {
          comment?.bytes(data, start, this.pos - 1);
          start = this.pos;
        }
      }
    }
    return -1;
  }

  /** Skips blanks, line breaks and (nested) comments. */
  skipLwsp(): ReadResult {
    const data = this.data;
    while (this.pos < this.end) {
      const c = data[this.pos];
      if (c === SP || c === TAB || c === CR || c === LF) {
        this.pos++;
        continue;
      }
      if (c !== LPAREN) break;
      if (this.skipComment() < 0) return -1;
    }
    return this.pos < this.end ? 1 : 0;
  }

  parseAtom(out: ByteWriter): ReadResult {
    if (!isAtext(this.peek())) return -1;
    const start = this.pos++;
    while (this.pos < this.end && isAtext(this.data[this.pos])) this.pos++;
    out.bytes(this.data, start, this.pos);
    return this.pos < this.end ? this.skipLwsp() : 0;
  }

  parseDotAtom(out: ByteWriter): ReadResult {
    if (!isAtext(this.peek())) return -1;
    let start = this.pos++;
    while (this.pos < this.end) {
      if (isAtext(this.data[this.pos])) {
        this.pos++;
        continue;
      }
      if (start === this.pos) return -1;
      out.bytes(this.data, start, this.pos);
      const ret = this.skipLwsp();
      if (ret <= 0) return ret;
      if (this.data[this.pos] !== DOT) return 1;
      this.pos++;
      out.byte(DOT);
      if (this.skipLwsp() <= 0) return -1;
      start = this.pos;
    }
    out.bytes(this.data, start, this.pos);
    return 0;
  }

  /** A MIME token (RFC 2045), which unlike an atom stops at "/", "?" and "="; may be empty. */
  parseMimeToken(out: ByteWriter): ReadResult {
    const start = this.pos;
    while (this.pos < this.end) {
      const c = this.data[this.pos];
      if (isTokenChar(c) || c === DOT) {
        this.pos++;
        continue;
      }
      out.bytes(this.data, start, this.pos);
      return this.skipLwsp();
    }
    out.bytes(this.data, start, this.pos);
    return 0;
  }

  /** Reads a quoted string (the read position is at its opening quote), unescaping quoted pairs and unfolding. */
  parseQuotedString(out: ByteWriter): ReadResult {
    const data = this.data;
    this.pos++;
    let start = this.pos;
    for (; this.pos < this.end; this.pos++) {
      const c = data[this.pos];
      if (c === NUL) {
        out.bytes(data, start, this.pos);
        out.bytes(NUL_REPLACEMENT);
        start = this.pos + 1;
      } else if (c === DQUOTE) {
        out.bytes(data, start, this.pos);
        this.pos++;
        return this.skipLwsp();
      } else if (c === LF) {
        let len = this.pos - start;
        if (len > 0 && data[this.pos - 1] === CR) len--;
        out.bytes(data, start, start + len);
        start = this.pos + 1;
      } else if (c === BACKSLASH) {
        this.pos++;
        if (this.pos >= this.end) return -1;
        const n = data[this.pos];
        if (n === CR || n === LF || n === NUL) {
          this.pos--;
        } else {
          out.bytes(data, start, this.pos - 1);
          start = this.pos;
        }
      }
    }
    return -1;
  }

  private parseAtomOrDot(out: ByteWriter): ReadResult {
    const start = this.pos;
    while (this.pos < this.end) {
      const c = this.data[this.pos];
      if (isAtext(c) || c === DOT) {
        this.pos++;
        continue;
      }
      out.bytes(this.data, start, this.pos);
      return this.skipLwsp();
    }
    out.bytes(this.data, start, this.pos);
    return 0;
  }

  /** phrase = 1*word / obs-phrase; words are joined with one space. */
  parsePhrase(out: ByteWriter): ReadResult {
    if (this.pos >= this.end) return 0;
    if (this.data[this.pos] === DOT) return -1;
    for (;;) {
      const ret = this.data[this.pos] === DQUOTE ? this.parseQuotedString(out) : this.parseAtomOrDot(out);
      if (ret <= 0) return ret;
      const c = this.data[this.pos];
      if (!isAtext(c) && c !== DQUOTE && c !== DOT) break;
      out.byte(SP);
    }
    return this.skipLwsp();
  }

  private parseDomainLiteral(out: ByteWriter): ReadResult {
    const data = this.data;
    let start = this.pos++;
    for (; this.pos < this.end; this.pos++) {
      const c = data[this.pos];
      if (c === NUL) {
        out.bytes(data, start, this.pos);
        out.bytes(NUL_REPLACEMENT);
        start = this.pos + 1;
      } else if (c === LBRACKET) {
        return -1;
      } else if (c === RBRACKET) {
        out.bytes(data, start, this.pos + 1);
        this.pos++;
        return this.skipLwsp();
      } else if (c === LF) {
        let len = this.pos - start;
        if (len > 0 && data[this.pos - 1] === CR) len--;
        out.bytes(data, start, start + len);
        start = this.pos + 1;
      } else if (c === BACKSLASH) {
        this.pos++;
        if (this.pos >= this.end) return -1;
        const n = data[this.pos];
        if (n === CR || n === LF || n === NUL) {
          out.bytes(data, start, this.pos);
          start = this.pos;
          this.pos--;
        }
      }
    }
    return -1;
  }

  /** Reads "@" domain (the read position is at the "@"): a dot-atom or a domain literal kept with its brackets. */
  parseDomain(out: ByteWriter): ReadResult {
    this.pos++;
    if (this.skipLwsp() <= 0) return -1;
    return this.data[this.pos] === LBRACKET ? this.parseDomainLiteral(out) : this.parseDotAtom(out);
  }

  /**
   * Reads "type/subtype" of a Content-Type value into `out`. On a syntax error `out` keeps only the type when the
   * value ended right after it ("text"), and nothing otherwise (Dovecot 2.3.19's behaviour).
   */
  parseContentType(out: ByteWriter): ReadResult {
    const start = out.length;
    if (this.skipLwsp() <= 0) return -1;
    if (this.parseMimeToken(out) <= 0 || out.length === start) return -1;
    if (this.data[this.pos] !== SLASH) {
      out.truncate(start);
      return -1;
    }
    this.pos++;
    if (this.skipLwsp() <= 0) {
      out.truncate(start);
      return -1;
    }
    out.byte(SLASH);
    const subtypeStart = out.length;
    const ret = this.parseMimeToken(out);
    if (ret < 0 || out.length === subtypeStart || (this.pos < this.end && this.data[this.pos] !== SEMICOLON)) {
      out.truncate(start);
      return -1;
    }
    return ret;
  }

  /**
   * Reads one `; attribute=value` parameter. Returns 0 at the end of input, -1 on a syntax error (the caller may
   * skip a byte and retry), 1 with the key and the (unquoted) value.
   */
  parseContentParam(): { ret: ReadResult; key: Buffer; value: Buffer } {
    const none = { key: EMPTY, value: EMPTY };
    if (this.pos >= this.end) return { ret: 0, ...none };
    if (this.data[this.pos] !== SEMICOLON) return { ret: -1, ...none };
    this.pos++;
    if (this.skipLwsp() <= 0) return { ret: -1, ...none };
    const key = new ByteWriter(32);
    if (this.parseMimeToken(key) <= 0) return { ret: -1, ...none };
    if (this.data[this.pos] !== EQUALS) return { ret: -1, ...none };
    this.pos++;
    const value = new ByteWriter(64);
    let ret = this.skipLwsp();
    if (ret <= 0) {
      // broken or missing value
    } else if (this.data[this.pos] === DQUOTE) {
      ret = this.parseQuotedString(value);
    } else if (this.data[this.pos] === EQUALS) {
      // tolerate an unquoted encoded word: name==?utf-8?b?...?=
      while (this.pos < this.end) {
        const c = this.data[this.pos] as number;
        if (c === SEMICOLON || c === SP || c === TAB || c === CR || c === LF) break;
        value.byte(c);
        this.pos++;
      }
    } else {
      ret = this.parseMimeToken(value);
    }
    return { ret: ret < 0 ? -1 : 1, key: key.toBuffer(), value: value.toBuffer() };
  }

  /** True when the read position is at `byte`. */
  at(byte: number): boolean {
    return this.pos < this.end && this.data[this.pos] === byte;
  }
}

export const CHAR = { AT, DQUOTE, SEMICOLON, LBRACKET, DOT } as const;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const LT = 0x3c;
export const GT = 0x3e;
