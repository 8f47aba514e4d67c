/**
 * FETCH response values: ENVELOPE and BODY/BODYSTRUCTURE (RFC 3501 §7.4.2) serialised from @kgc/mapi's parsed
 * structures, byte for byte as Dovecot 2.3 writes them.
 */
import type {
  BodyDisposition,
  BodyStructure,
  Envelope,
  EnvelopeAddress,
  MimeParam,
  MultipartExtension,
  SinglePartExtension,
} from '@kgc/mapi';
import { imapString, NIL_BYTES, nstringNoLf, stringForHumans } from './imap-string.js';

const SP = Buffer.from(' ', 'latin1');
const OPEN = Buffer.from('(', 'latin1');
const CLOSE = Buffer.from(')', 'latin1');

/** Collects output chunks; joined once at the end. */
class Chunks {
  readonly parts: Buffer[] = [];
  add(...bufs: Buffer[]): this {
    this.parts.push(...bufs);
    return this;
  }
  text(s: string): this {
    this.parts.push(Buffer.from(s, 'latin1'));
    return this;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function writeAddresses(out: Chunks, list: EnvelopeAddress[] | null): void {
  if (list === null) {
    out.add(NIL_BYTES);
    return;
  }
  out.add(OPEN);
  for (const a of list) {
    out.add(OPEN, a.name === null ? NIL_BYTES : stringForHumans(a.name), SP);
    out.add(nstringNoLf(a.adl), SP, nstringNoLf(a.mailbox), SP, nstringNoLf(a.host), CLOSE);
  }
  out.add(CLOSE);
}

function writeEnvelope(out: Chunks, env: Envelope): void {
  out.add(OPEN, nstringNoLf(env.date), SP);
  out.add(env.subject === null ? NIL_BYTES : stringForHumans(env.subject));
  for (const list of [env.from, env.sender, env.replyTo, env.to, env.cc, env.bcc]) {
    out.add(SP);
    writeAddresses(out, list);
  }
  out.add(SP, nstringNoLf(env.inReplyTo), SP, nstringNoLf(env.messageId), CLOSE);
}

/**
 * ENVELOPE value, parenthesised: date, in-reply-to, message-id, adl, mailbox and host as strings (CR/LF removed);
 * subject and display names written for humans (quoted when unchanged, else unfolded into a literal).
 */
export function serializeEnvelope(env: Envelope): Buffer {
  const out = new Chunks();
  writeEnvelope(out, env);
  return out.toBuffer();
}

function writeParams(out: Chunks, params: MimeParam[] | null): void {
  if (params === null || params.length === 0) {
    out.add(NIL_BYTES);
    return;
  }
  out.add(OPEN);
  params.forEach((p, i) => {
    if (i > 0) out.add(SP);
    out.add(imapString(p.name), SP, imapString(p.value));
  });
  out.add(CLOSE);
}

function writeDisposition(out: Chunks, d: BodyDisposition | null): void {
  if (d === null) {
    out.add(NIL_BYTES);
    return;
  }
  out.add(OPEN, imapString(d.type), SP);
  writeParams(out, d.params);
  out.add(CLOSE);
}

function writeLanguage(out: Chunks, langs: Buffer[] | null): void {
  if (langs === null || langs.length === 0) {
    out.add(NIL_BYTES);
    return;
  }
  out.add(OPEN);
  langs.forEach((l, i) => {
    if (i > 0) out.add(SP);
    out.add(imapString(l));
  });
  out.add(CLOSE);
}

function writeExtensionTail(out: Chunks, ext: SinglePartExtension | MultipartExtension | undefined): void {
  out.add(SP);
  writeDisposition(out, ext?.disposition ?? null);
  out.add(SP);
  writeLanguage(out, ext?.language ?? null);
  out.add(SP, nstringNoLf(ext?.location ?? null));
}

function writeBody(out: Chunks, bs: BodyStructure, extended: boolean): void {
  out.add(OPEN);
  if (bs.kind === 'multipart') {
    for (const part of bs.parts) writeBody(out, part, extended);
    out.add(SP, imapString(bs.subtype));
    if (extended) {
      out.add(SP);
      writeParams(out, bs.extension?.params ?? null);
      writeExtensionTail(out, bs.extension);
    }
    out.add(CLOSE);
    return;
  }
  out.add(imapString(bs.type), SP, imapString(bs.subtype), SP);
  writeParams(out, bs.params);
  out.add(SP, nstringNoLf(bs.id), SP, nstringNoLf(bs.description), SP, imapString(bs.encoding));
  out.text(` ${bs.size}`);
  if (bs.kind === 'text') {
    out.text(` ${bs.lines}`);
  } else if (bs.kind === 'message') {
    out.add(SP);
    writeEnvelope(out, bs.envelope);
    out.add(SP);
    writeBody(out, bs.body, extended);
    out.text(` ${bs.lines}`);
  }
  if (extended) {
    out.add(SP, nstringNoLf(bs.extension?.md5 ?? null));
    writeExtensionTail(out, bs.extension);
  }
  out.add(CLOSE);
}

/**
 * BODY (`extended` false) or BODYSTRUCTURE (`extended` true) value, parenthesised. With `extended`, every extension
 * field up to the location is written (NIL when absent), as Dovecot does.
 */
export function serializeBodyStructure(bs: BodyStructure, extended: boolean): Buffer {
  const out = new Chunks();
  writeBody(out, bs, extended);
  return out.toBuffer();
}
