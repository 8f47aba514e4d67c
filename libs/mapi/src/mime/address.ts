import { ByteWriter, SP } from './bytes.js';
import { CHAR, COLON, COMMA, GT, LT, type ReadResult, Rfc822Reader } from './rfc822-reader.js';

/**
 * One entry of an IMAP address list (RFC 3501 "address"): a mailbox, or a group marker. A group starts with
 * `{ name: null, adl: null, mailbox: <group name>, host: null }` and ends with all four null.
 */
export interface EnvelopeAddress {
  /** Display name (phrase, or the comment after a bare address), as written: encoded words are not decoded. */
  name: Buffer | null;
  /** Obsolete source route ("@relay1,@relay2"). */
  adl: Buffer | null;
  /** Local part, unquoted; the group name for a group start. */
  mailbox: Buffer | null;
  /** Domain (an IP literal keeps its brackets); null for group markers. */
  host: Buffer | null;
}

const MISSING_MAILBOX = Buffer.from('MISSING_MAILBOX', 'latin1');
const MISSING_DOMAIN = Buffer.from('MISSING_DOMAIN', 'latin1');
const SYNTAX_ERROR = Buffer.from('SYNTAX_ERROR', 'latin1');
const INVALID_ROUTE = Buffer.from('INVALID_ROUTE', 'latin1');

interface Pending {
  name: Buffer | null;
  route: Buffer | null;
  mailbox: Buffer | null;
  domain: Buffer | null;
}

function emptyPending(): Pending {
  return { name: null, route: null, mailbox: null, domain: null };
}

/**
 * RFC 5322 address-list parser with Dovecot 2.3's recovery rules, so that ENVELOPE matches the reference:
 * obsolete routes, quoted local parts, comments as names, groups, and placeholders for broken input
 * (MISSING_MAILBOX, MISSING_DOMAIN, SYNTAX_ERROR). Never fails; linear in the input.
 */
class AddressParser {
  private readonly r: Rfc822Reader;
  private readonly out: EnvelopeAddress[] = [];
  private addr: Pending = emptyPending();
  private readonly comment = new ByteWriter(64);

  constructor(value: Buffer) {
    this.r = new Rfc822Reader(value);
    this.r.lastComment = this.comment;
  }

  parse(): EnvelopeAddress[] | null {
    if (this.r.skipLwsp() <= 0) return null;
    this.parseAddressList();
    return this.out.length > 0 ? this.out : null;
  }

  private add(): void {
    const a = this.addr;
    this.out.push({ name: a.name, adl: a.route, mailbox: a.mailbox, host: a.domain });
    this.addr = emptyPending();
  }

  private addFixed(): void {
    if (this.addr.mailbox === null) this.addr.mailbox = MISSING_MAILBOX;
    if (this.addr.domain === null || this.addr.domain.length === 0) this.addr.domain = MISSING_DOMAIN;
    this.add();
  }

  private parseLocalPart(): ReadResult {
    const out = new ByteWriter(32);
    const ret = this.r.peek() === CHAR.DQUOTE ? this.r.parseQuotedString(out) : this.r.parseDotAtom(out);
    if (ret < 0) return -1;
    this.addr.mailbox = out.toBuffer();
    return ret;
  }

  private parseDomain(): ReadResult {
    const out = new ByteWriter(32);
    const ret = this.r.parseDomain(out);
    if (ret < 0) return -1;
    this.addr.domain = out.toBuffer();
    return ret;
  }

  private parseDomainList(): ReadResult {
    const out = new ByteWriter(32);
    for (;;) {
      if (this.r.atEnd) return 0;
      if (!this.r.at(CHAR.AT)) break;
      if (out.length > 0) out.byte(COMMA);
      out.byte(CHAR.AT);
      const ret = this.r.parseDomain(out);
      if (ret <= 0) return ret;
      while (this.r.skipLwsp() > 0 && this.r.at(COMMA)) this.r.pos++;
    }
    this.addr.route = out.toBuffer();
    return 1;
  }

  private parseAngleAddr(): ReadResult {
    const r = this.r;
    r.pos++;
    if (r.skipLwsp() <= 0) return -1;
    if (r.at(CHAR.AT)) {
      if (this.parseDomainList() > 0 && r.at(COLON)) {
        r.pos++;
      } else {
        this.addr.route = INVALID_ROUTE;
        if (r.atEnd) return -1;
      }
      if (r.skipLwsp() <= 0) return -1;
    }
    if (!r.at(GT)) {
      if (this.parseLocalPart() <= 0) return -1;
      if (r.at(CHAR.AT) && this.parseDomain() <= 0) return -1;
    }
    if (!r.at(GT)) return -1;
    r.pos++;
    return r.skipLwsp();
  }

  private parseNameAddr(): ReadResult {
    const phrase = new ByteWriter(64);
    if (this.r.parsePhrase(phrase) <= 0 || !this.r.at(LT)) return -1;
    this.addr.name = phrase.length > 0 ? phrase.toBuffer() : null;
    if (this.parseAngleAddr() < 0) this.addr.domain = SYNTAX_ERROR;
    return this.r.atEnd ? 0 : 1;
  }

  private parseAddrSpec(): ReadResult {
    const r = this.r;
    this.comment.truncate(0);
    const quoted = r.peek() === CHAR.DQUOTE;
    let ret = this.parseLocalPart();
    let ret2 = -2;
    if (ret !== 0 && r.at(CHAR.AT)) {
      ret2 = this.parseDomain();
      if (ret2 <= 0) ret = ret2 as ReadResult;
    }
    if (this.comment.length > 0) {
      this.addr.name = this.comment.toBuffer();
    } else if (ret2 === -2) {
      // "user" without @domain: a following phrase makes it a display name
      const phrase = new ByteWriter(32);
      if (this.addr.mailbox !== null) phrase.bytes(this.addr.mailbox);
      phrase.byte(SP);
      const before = phrase.length;
      r.parsePhrase(phrase);
      if (phrase.length !== before) {
        this.addr.mailbox = null;
        this.addr.name = phrase.toBuffer();
      } else if (!quoted) {
        this.addr.domain = Buffer.alloc(0);
      }
      ret = -1;
    }
    return ret;
  }

  private parseMailbox(): ReadResult {
    const start = this.r.pos;
    let ret = this.parseNameAddr();
    if (ret < 0) {
      this.r.pos = start;
      this.addr = emptyPending();
      ret = this.parseAddrSpec();
    }
    this.addFixed();
    return ret;
  }

  private parseGroup(): ReadResult {
    const r = this.r;
    const phrase = new ByteWriter(64);
    if (r.parsePhrase(phrase) <= 0 || !r.at(COLON)) return -1;
    r.pos++;
    let ret = r.skipLwsp();
    this.addr.mailbox = phrase.toBuffer();
    this.add();
    if (ret > 0 && !r.at(CHAR.SEMICOLON)) {
      for (;;) {
        this.parseMailbox();
        if (!r.at(COMMA)) break;
        r.pos++;
        if (r.skipLwsp() <= 0) {
          ret = -1;
          break;
        }
      }
    }
    if (ret >= 0) {
      if (!r.at(CHAR.SEMICOLON)) {
        ret = -1;
      } else {
        r.pos++;
        ret = r.skipLwsp();
      }
    }
    this.add();
    return ret === 0 ? 0 : 1;
  }

  private parseAddress(): ReadResult {
    const start = this.r.pos;
    const ret = this.parseGroup();
    if (ret >= 0) return ret;
    this.r.pos = start;
    this.addr = emptyPending();
    return this.parseMailbox();
  }

  private parseAddressList(): void {
    for (;;) {
      if (this.parseAddress() === 0) break;
      if (!this.r.at(COMMA)) break;
      this.r.pos++;
      const ret = this.r.skipLwsp();
      if (ret <= 0) {
        if (ret < 0) this.addFixed();
        break;
      }
    }
  }
}

/**
 * Parses an address header value (From, To, Cc, ...) into IMAP address entries. Returns null when the value holds
 * no address at all (IMAP NIL).
 */
export function parseAddressList(value: Buffer): EnvelopeAddress[] | null {
  return new AddressParser(value).parse();
}
