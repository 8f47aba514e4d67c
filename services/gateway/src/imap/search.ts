/**
 * SEARCH evaluation (RFC 3501 §6.4.4) over the selected view: flags, sizes, dates, UIDs and
 * sequence numbers from the metadata cache; header keys from the decoded header fields (cached
 * per process, loaded as header blocks only); body keys from which of the search's texts each
 * body contains, found where the body is (the gateway's cache, else the server), decoded the way
 * Dovecot's SEARCH sees them (@kgc/mapi bodyTextMatches). Strings match case-insensitively as
 * substrings.
 */
import type { SearchDate, SearchKey } from '@kgc/imap-proto';
import { sequenceSetHas } from '@kgc/imap-proto';
import { containsText } from '@kgc/mapi';
import type { HeaderFields } from '../store/types.js';
import { bad } from './errors.js';
import type { ViewEntry } from './selected.js';

export interface SearchTarget {
  seq: number;
  entry: ViewEntry;
  /** \Recent in this session. */
  recent: boolean;
  /** What is loaded already (the search's window), or undefined. */
  loaded: {
    subjects(): readonly string[] | undefined;
    headers(): HeaderFields | undefined;
    /** Which of the search's body texts ({@link bodyTexts}) its body contains. */
    bodyMatches(): ReadonlySet<string> | undefined;
  };
  /** The decoded values of its Subject fields (cached); rejects when the message is gone. */
  subjects(): Promise<readonly string[]>;
  /** The decoded header fields (cached); rejects when the message is gone. */
  headers(): Promise<HeaderFields>;
  /** Which of the search's body texts its body contains; rejects when the message is gone. */
  bodyMatches(): Promise<ReadonlySet<string>>;
}

/** What one message's evaluation has in hand. */
interface Data {
  subjects?: readonly string[];
  headers?: HeaderFields;
  bodyMatches?: ReadonlySet<string>;
}

/** Thrown while evaluating when a key needs data not in hand yet: it is loaded and evaluation starts over. */
class Need {
  constructor(readonly what: 'subjects' | 'headers' | 'bodyMatches') {}
}

const ADDRESS_FIELDS: Record<string, string> = { BCC: 'bcc', CC: 'cc', FROM: 'from', TO: 'to' };

/** What a search needs besides the metadata cache: the Subject values, the header fields, the bodies. */
export interface Content {
  subjects: boolean;
  headers: boolean;
  body: boolean;
}

export function needsContent(k: SearchKey): Content {
  switch (k.key) {
    case 'SUBJECT':
      return { subjects: true, headers: false, body: false };
    case 'BCC':
    case 'CC':
    case 'FROM':
    case 'TO':
    case 'HEADER':
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE':
      return { subjects: false, headers: true, body: false };
    case 'BODY':
      return { subjects: false, headers: false, body: true };
    case 'TEXT':
      return { subjects: false, headers: true, body: true };
    case 'NOT':
      return needsContent(k.operand);
    case 'OR':
      return merge([needsContent(k.left), needsContent(k.right)]);
    case 'AND':
      return merge(k.operands.map(needsContent));
    default:
      return { subjects: false, headers: false, body: false };
  }
}

function merge(list: readonly Content[]): Content {
  return {
    subjects: list.some((x) => x.subjects),
    headers: list.some((x) => x.headers),
    body: list.some((x) => x.body),
  };
}

/** The texts of the BODY and TEXT keys: what the bodies are searched for. */
export function bodyTexts(k: SearchKey, into: Set<string> = new Set()): Set<string> {
  switch (k.key) {
    case 'BODY':
    case 'TEXT':
      into.add(k.value);
      break;
    case 'NOT':
      bodyTexts(k.operand, into);
      break;
    case 'OR':
      bodyTexts(k.left, into);
      bodyTexts(k.right, into);
      break;
    case 'AND':
      for (const o of k.operands) bodyTexts(o, into);
      break;
    default:
      break;
  }
  return into;
}

/** Whether a key of this name appears anywhere in the criteria. */
function usesKey(k: SearchKey, name: SearchKey['key']): boolean {
  switch (k.key) {
    case 'NOT':
      return usesKey(k.operand, name);
    case 'OR':
      return usesKey(k.left, name) || usesKey(k.right, name);
    case 'AND':
      return k.operands.some((o) => usesKey(o, name));
    default:
      return k.key === name;
  }
}

export const usesModseq = (k: SearchKey): boolean => usesKey(k, 'MODSEQ');

/** Whether the criteria name message sequence numbers (then a UID SEARCH holds expunges back too). */
export const usesSequenceNumbers = (k: SearchKey): boolean => usesKey(k, 'SEQUENCE');

/** Keys this server does not offer (their extensions are not advertised). */
export function checkSupported(k: SearchKey): void {
  switch (k.key) {
    case 'OLDER':
    case 'YOUNGER':
      throw bad('WITHIN is not offered.');
    case 'NOT':
      checkSupported(k.operand);
      return;
    case 'OR':
      checkSupported(k.left);
      checkSupported(k.right);
      return;
    case 'AND':
      for (const o of k.operands) checkSupported(o);
      return;
    default:
      return;
  }
}

function dayOf(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

function dayOfSearch(d: SearchDate): number {
  return Date.UTC(d.year, d.month - 1, d.day);
}

/** The calendar day of the Date header in its own zone (RFC 3501: time and zone disregarded). */
function sentDay(h: HeaderFields): number | null {
  if (h.date === null) return null;
  const m = /(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+(\d{2,4})/i.exec(h.date);
  if (!m) return null;
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  let year = Number(m[3]);
  if (year < 50) year += 2000;
  else if (year < 100) year += 1900;
  return Date.UTC(year, months.indexOf((m[2] as string).toLowerCase()), Number(m[1]));
}

function headerValues(h: HeaderFields, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const f of h.fields) if (f.key === lower) out.push(f.value);
  return out;
}

function compareDay(day: number, key: 'BEFORE' | 'ON' | 'SINCE', target: number): boolean {
  return key === 'BEFORE' ? day < target : key === 'ON' ? day === target : day >= target;
}

/**
 * Evaluation is synchronous over what the target has loaded (a window of the search loads ahead);
 * only a message whose data is missing goes async, loads it and is evaluated again. A search
 * over thousands of loaded messages so costs no promise per message.
 */
export class SearchEvaluator {
  constructor(
    private readonly exists: number,
    private readonly maxUid: number,
  ) {}

  matches(t: SearchTarget, key: SearchKey): boolean | Promise<boolean> {
    const data: Data = {};
    try {
      return this.eval(t, key, data);
    } catch (e) {
      if (!(e instanceof Need)) throw e;
      return this.loadAndMatch(t, key, data, e);
    }
  }

  private async loadAndMatch(t: SearchTarget, key: SearchKey, data: Data, need: Need): Promise<boolean> {
    for (;;) {
      if (need.what === 'subjects') data.subjects = await t.subjects();
      else if (need.what === 'headers') data.headers = await t.headers();
      else data.bodyMatches = await t.bodyMatches();
      try {
        return this.eval(t, key, data);
      } catch (e) {
        if (!(e instanceof Need)) throw e;
        need = e;
      }
    }
  }

  private subjects(t: SearchTarget, data: Data): readonly string[] {
    data.subjects ??= t.loaded.subjects();
    if (!data.subjects) throw new Need('subjects');
    return data.subjects;
  }

  private headers(t: SearchTarget, data: Data): HeaderFields {
    data.headers ??= t.loaded.headers();
    if (!data.headers) throw new Need('headers');
    return data.headers;
  }

  private bodyHas(t: SearchTarget, data: Data, text: string): boolean {
    data.bodyMatches ??= t.loaded.bodyMatches();
    if (!data.bodyMatches) throw new Need('bodyMatches');
    return data.bodyMatches.has(text);
  }

  private eval(t: SearchTarget, k: SearchKey, data: Data): boolean {
    const e = t.entry;
    switch (k.key) {
      case 'ALL':
        return true;
      case 'FLAG': {
        const has = k.flag === '\\Recent' ? t.recent : e.flags.some((f) => f.toLowerCase() === k.flag.toLowerCase());
        return has === k.set;
      }
      case 'MODSEQ':
        return e.modseq >= k.modseq;
      case 'LARGER':
        return e.size > k.size;
      case 'SMALLER':
        return e.size < k.size;
      case 'UID':
        return sequenceSetHas(k.set, e.uid, Math.max(this.maxUid, e.uid));
      case 'SEQUENCE':
        return sequenceSetHas(k.set, t.seq, this.exists);
      case 'BEFORE':
      case 'ON':
      case 'SINCE':
        return compareDay(dayOf(e.internalDate), k.key, dayOfSearch(k.date));
      case 'SENTBEFORE':
      case 'SENTON':
      case 'SENTSINCE': {
        const day = sentDay(this.headers(t, data));
        if (day === null) return false;
        return compareDay(day, k.key.slice(4) as 'BEFORE' | 'ON' | 'SINCE', dayOfSearch(k.date));
      }
      case 'SUBJECT':
        return this.subjects(t, data).some((v) => containsText(v, k.value));
      case 'BCC':
      case 'CC':
      case 'FROM':
      case 'TO':
        return headerValues(this.headers(t, data), ADDRESS_FIELDS[k.key] as string).some((v) =>
          containsText(v, k.value),
        );
      case 'HEADER': {
        const values = headerValues(this.headers(t, data), k.field);
        return k.value === '' ? values.length > 0 : values.some((v) => containsText(v, k.value));
      }
      case 'BODY':
        return this.bodyHas(t, data, k.value);
      case 'TEXT':
        return (
          this.headers(t, data).fields.some((f) => containsText(`${f.name}: ${f.value}`, k.value)) ||
          this.bodyHas(t, data, k.value)
        );
      case 'NOT':
        return !this.eval(t, k.operand, data);
      case 'OR':
        return this.eval(t, k.left, data) || this.eval(t, k.right, data);
      case 'AND':
        for (const o of k.operands) if (!this.eval(t, o, data)) return false;
        return true;
      default:
        throw bad(`${k.key} is not offered.`);
    }
  }
}
