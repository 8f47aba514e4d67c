/**
 * FETCH (RFC 3501 §6.4.5): macros ALL/FAST/FULL, every fetch-att, BODY[section]<partial> and BODY.PEEK with
 * HEADER, HEADER.FIELDS(.NOT), TEXT, MIME and nested part numbers, BINARY[.PEEK]/BINARY.SIZE (RFC 3516), MODSEQ and
 * the CHANGEDSINCE/VANISHED modifiers (RFC 7162). Also the response name of an attribute and whether it sets \Seen.
 */
import type { SectionPartial, SectionSpec } from '@kgc/mapi';
import type { CommandReader } from './command-reader.js';
import type { FetchAttribute, FetchCommand, SimpleFetchItem } from './command-types.js';
import { ImapParseError } from './errors.js';
import { astring } from './imap-string.js';

const SIMPLE_ITEMS = new Set<string>([
  'UID',
  'FLAGS',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
  'MODSEQ',
]);

const MACROS: Record<string, SimpleFetchItem[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/** section-part: nz-number *("." nz-number), "" when absent. */
function readPart(r: CommandReader): string {
  const parts: number[] = [];
  while (isDigit(r.peek())) {
    parts.push(r.nzNumber('part number'));
    const save = r.snapshot();
    if (!r.tryChar('.')) break;
    if (!isDigit(r.peek())) {
      r.restore(save);
      break;
    }
  }
  return parts.join('.');
}

/** The inside of `[...]` of BODY. */
function readSection(r: CommandReader): SectionSpec {
  r.expectChar('[');
  const part = readPart(r);
  if (r.tryChar(']')) return { part, text: { kind: 'full' } };
  if (part !== '') r.expectChar('.');
  const word = r.run((b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2e).toUpperCase();
  let spec: SectionSpec;
  if (word === 'HEADER') spec = { part, text: { kind: 'header' } };
  else if (word === 'TEXT') spec = { part, text: { kind: 'text' } };
  else if (word === 'MIME' && part !== '') spec = { part, text: { kind: 'mime' } };
  else if (word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') {
    r.sp();
    const fields = r.list(
      () => {
        const field = r.astring('header field name').toString('latin1');
        if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) r.fail(`Invalid header field name ${JSON.stringify(field)}`);
        return field;
      },
      false,
      'header field list',
    );
    spec = { part, text: { kind: 'header-fields', fields, not: word.endsWith('.NOT') } };
  } else {
    return r.fail(`Invalid section ${JSON.stringify(word)}`);
  }
  r.expectChar(']');
  return spec;
}

/** `<offset.length>` (length non-zero), null when absent. */
function readPartial(r: CommandReader): SectionPartial | null {
  if (!r.tryChar('<')) return null;
  const offset = r.number('partial offset');
  r.expectChar('.');
  const length = r.nzNumber('partial length');
  r.expectChar('>');
  return { offset, length };
}

function readAttribute(r: CommandReader): FetchAttribute {
  const name = r
    .run((b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || isDigit(b) || b === 0x2e)
    .toUpperCase();
  if (name === '') return r.fail(`Expected a fetch attribute, got ${r.describeNext()}`);
  if ((name === 'BODY' || name === 'BODY.PEEK') && r.peek() === 0x5b) {
    const section = readSection(r);
    return { kind: 'BODY[]', peek: name === 'BODY.PEEK', section, partial: readPartial(r) };
  }
  if (name === 'BINARY' || name === 'BINARY.PEEK' || name === 'BINARY.SIZE') {
    r.expectChar('[');
    const part = readPart(r);
    r.expectChar(']');
    if (name === 'BINARY.SIZE') return { kind: 'BINARY.SIZE', part };
    return { kind: 'BINARY', peek: name === 'BINARY.PEEK', part, partial: readPartial(r) };
  }
  if (SIMPLE_ITEMS.has(name)) return { kind: name as SimpleFetchItem };
  if (name === 'BODY.PEEK') return r.fail('BODY.PEEK needs a section');
  return r.fail(`Unknown fetch attribute ${name}`);
}

function attributeKey(a: FetchAttribute): string {
  return a.kind === 'BODY[]' || a.kind === 'BINARY' || a.kind === 'BINARY.SIZE' ? JSON.stringify(a) : a.kind;
}

/**
 * fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
 * [SP "(" fetch-modifier *(SP fetch-modifier) ")"]. The attributes are what to answer: UID is put first for
 * UID FETCH and MODSEQ added with CHANGEDSINCE, as RFC 3501 and RFC 7162 require.
 */
export function parseFetch(r: CommandReader, tag: string, uid: boolean): FetchCommand {
  r.sp();
  const sequenceSet = r.sequenceSet();
  r.sp();
  let macro: FetchCommand['macro'] = null;
  let attributes: FetchAttribute[];
  if (r.peek() === 0x28) {
    let count = 0;
    attributes = r.list(
      () => {
        if (++count > r.limits.maxFetchAttributes) {
          throw new ImapParseError('Too many fetch attributes', { code: 'LIMIT' });
        }
        return readAttribute(r);
      },
      false,
      'fetch attribute list',
    );
  } else {
    const save = r.snapshot();
    const word = r.run((b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)).toUpperCase();
    const items = MACROS[word];
    if (items !== undefined && (r.peek() === 0x20 || r.peek() === -1)) {
      macro = word as FetchCommand['macro'];
      attributes = items.map((kind) => ({ kind }));
    } else {
      r.restore(save);
      attributes = [readAttribute(r)];
    }
  }
  let changedSince: number | null = null;
  let vanished = false;
  if (r.trySp()) {
    r.list(
      () => {
        const modifier = r.keyword('fetch modifier');
        if (modifier === 'CHANGEDSINCE') {
          r.sp();
          changedSince = r.modseq(true);
        } else if (modifier === 'VANISHED') {
          vanished = true;
        } else {
          r.fail(`Unknown fetch modifier ${modifier}`);
        }
      },
      false,
      'fetch modifiers',
    );
  }
  if (vanished && !uid) r.fail('VANISHED is only allowed with UID FETCH');
  if (vanished && changedSince === null) r.fail('VANISHED needs CHANGEDSINCE');
  if (uid) attributes.unshift({ kind: 'UID' });
  if (changedSince !== null) attributes.push({ kind: 'MODSEQ' });
  const seen = new Set<string>();
  attributes = attributes.filter((a) => {
    const key = attributeKey(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { tag, name: 'FETCH', uid, sequenceSet, attributes, macro, changedSince, vanished };
}

/** The text between the brackets of a BODY section as the response names it (Dovecot's form: field names upper-cased). */
export function formatSection(section: SectionSpec): string {
  const t = section.text;
  let text: string;
  switch (t.kind) {
    case 'full':
      return section.part;
    case 'header':
      text = 'HEADER';
      break;
    case 'text':
      text = 'TEXT';
      break;
    case 'mime':
      text = 'MIME';
      break;
    case 'header-fields': {
      const names = t.fields.map((f) => astring(f.toUpperCase()).toString('latin1')).join(' ');
      text = `HEADER.FIELDS${t.not ? '.NOT' : ''} (${names})`;
      break;
    }
  }
  return section.part === '' ? text : `${section.part}.${text}`;
}

/** The name of an attribute in the FETCH response: `BODY[1.HEADER]<0>` for `BODY.PEEK[1.HEADER]<0.100>`. */
export function fetchResponseName(attribute: FetchAttribute): string {
  switch (attribute.kind) {
    case 'BODY[]':
      return `BODY[${formatSection(attribute.section)}]${attribute.partial === null ? '' : `<${attribute.partial.offset}>`}`;
    case 'BINARY':
      return `BINARY[${attribute.part}]${attribute.partial === null ? '' : `<${attribute.partial.offset}>`}`;
    case 'BINARY.SIZE':
      return `BINARY.SIZE[${attribute.part}]`;
    default:
      return attribute.kind;
  }
}

/** True when answering the attribute sets \Seen (in a read-write mailbox): non-PEEK bodies, RFC822, RFC822.TEXT. */
export function fetchSetsSeen(attribute: FetchAttribute): boolean {
  switch (attribute.kind) {
    case 'BODY[]':
    case 'BINARY':
      return !attribute.peek;
    case 'RFC822':
    case 'RFC822.TEXT':
      return true;
    default:
      return false;
  }
}
