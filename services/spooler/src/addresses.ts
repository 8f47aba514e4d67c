/**
 * Mailboxes of address header fields as SMTP envelope addresses, through @kgc/mapi's RFC 5322
 * parser (groups, comments, quoted local parts, obsolete routes). Entries the parser marks as
 * broken (MISSING_MAILBOX, MISSING_DOMAIN, SYNTAX_ERROR) and group markers are left out.
 */
import { parseAddressList } from '@kgc/mapi';

const PLACEHOLDERS = new Set(['MISSING_MAILBOX', 'MISSING_DOMAIN', 'SYNTAX_ERROR']);
/** RFC 5321 dot-string: a local part that needs no quotes. */
const DOT_STRING = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\x80-\uffff-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\x80-\uffff-]+)*$/u;
/** A domain, an address literal, or a UTF-8 domain (SMTPUTF8); no spaces, brackets only as a literal. */
const DOMAIN = /^(\[[^\s[\]\\]+\]|[^\s@()<>,;:\\"[\]]+)$/u;

/** `local@domain` for the envelope (quoted local part when needed), or null when it cannot be one. */
export function envelopeAddress(mailbox: string, host: string): string | null {
  if (PLACEHOLDERS.has(mailbox) || PLACEHOLDERS.has(host)) return null;
  if (mailbox === '' || host === '' || !DOMAIN.test(host)) return null;
  if (/[\r\n\0]/.test(mailbox)) return null;
  const local = DOT_STRING.test(mailbox) ? mailbox : `"${mailbox.replace(/(["\\])/g, '\\$1')}"`;
  return `${local}@${host}`;
}

/** The mailboxes of the given field values (To, Cc, ...), in order. */
export function mailboxesOf(values: readonly Buffer[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const a of parseAddressList(v) ?? []) {
      if (a.mailbox === null || a.host === null) continue; // group start / end
      const addr = envelopeAddress(a.mailbox.toString('utf8'), a.host.toString('utf8'));
      if (addr !== null) out.push(addr);
    }
  }
  return out;
}

/** The key two spellings of one address share (case-insensitive, as KGC and every MTA treat them in practice). */
export function addressKey(address: string): string {
  return address.toLowerCase();
}

/** Duplicates removed (first spelling kept), order kept. */
export function dedupAddresses(addresses: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const a of addresses) {
    const k = addressKey(a);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(a);
  }
  return out;
}
