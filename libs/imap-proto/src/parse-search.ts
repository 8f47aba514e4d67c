/**
 * SEARCH (RFC 3501 §6.4.4) with CHARSET, every RFC 3501 key, OR/NOT/parenthesised nesting, sequence sets, MODSEQ
 * (RFC 7162), OLDER/YOUNGER (RFC 5032) and ESEARCH RETURN options (RFC 4731, SAVE of RFC 5182). Nesting depth and
 * the number of keys are limited (`maxSearchDepth`, `maxSearchKeys`). SORT and THREAD (RFC 5256, ESORT) share it.
 */
import type { CommandReader } from './command-reader.js';
import type {
  SearchCommand,
  SearchDateKey,
  SearchKey,
  SearchReturnOption,
  SearchStringKey,
  SortCommand,
  SortKey,
  ThreadCommand,
} from './command-types.js';
import { parseSearchDate } from './date-time.js';
import { ImapParseError, SEARCH_CHARSETS } from './errors.js';
import { canonicalSystemFlag, utf8 } from './parse-values.js';

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  RECENT: ['\\Recent', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
  OLD: ['\\Recent', false],
};
const STRING_KEYS = new Set<string>(['BCC', 'CC', 'FROM', 'TO', 'SUBJECT', 'BODY', 'TEXT']);
const DATE_KEYS = new Set<string>(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE']);
const RETURN_OPTIONS = new Set<string>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE']);

class SearchParser {
  private keys = 0;
  constructor(
    private readonly r: CommandReader,
    private readonly charset: string,
  ) {}

  private text(what: string): string {
    const bytes = this.r.astring(what);
    if (this.charset === 'US-ASCII' && bytes.some((b) => b >= 0x80)) {
      throw new ImapParseError(`8-bit octets in a US-ASCII ${what}`);
    }
    return utf8(bytes, what);
  }

  private date(): SearchDateValue {
    const r = this.r;
    if (r.peek() === 0x22) return parseSearchDate(r.string('date').toString('latin1'));
    return parseSearchDate(r.word('a date'));
  }

  /** One search-key at nesting `depth`. */
  key(depth: number): SearchKey {
    const r = this.r;
    if (depth > r.limits.maxSearchDepth) {
      throw new ImapParseError('Search keys nested too deeply', { code: 'LIMIT' });
    }
    if (++this.keys > r.limits.maxSearchKeys) throw new ImapParseError('Too many search keys', { code: 'LIMIT' });
    if (r.tryChar('(')) {
      const operands: SearchKey[] = [this.key(depth + 1)];
      while (!r.tryChar(')')) {
        r.sp();
        operands.push(this.key(depth + 1));
      }
      return operands.length === 1 ? (operands[0] as SearchKey) : { key: 'AND', operands };
    }
    const b = r.peek();
    if ((b >= 0x30 && b <= 0x39) || b === 0x2a) return { key: 'SEQUENCE', set: r.sequenceSet() };
    if (b === 0x24) r.fail('The saved search result ($) is not supported');
    const name = r.keyword('search key');
    const flag = FLAG_KEYS[name];
    if (flag !== undefined) return { key: 'FLAG', flag: flag[0], set: flag[1] };
    if (STRING_KEYS.has(name)) {
      r.sp();
      return { key: name as SearchStringKey, value: this.text(`${name} value`) };
    }
    if (DATE_KEYS.has(name)) {
      r.sp();
      return { key: name as SearchDateKey, date: this.date() };
    }
    switch (name) {
      case 'ALL':
        return { key: 'ALL' };
      case 'NEW':
        return {
          key: 'AND',
          operands: [
            { key: 'FLAG', flag: '\\Recent', set: true },
            { key: 'FLAG', flag: '\\Seen', set: false },
          ],
        };
      case 'KEYWORD':
      case 'UNKEYWORD': {
        r.sp();
        const keyword = r.atom('keyword');
        // A system flag named as a keyword (`KEYWORD \Seen` is not valid syntax, `KEYWORD $Junk` is).
        return { key: 'FLAG', flag: canonicalSystemFlag(keyword) ?? keyword, set: name === 'KEYWORD' };
      }
      case 'HEADER': {
        r.sp();
        const field = utf8(r.astring('header field name'), 'header field name');
        if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) r.fail(`Invalid header field name ${JSON.stringify(field)}`);
        r.sp();
        return { key: 'HEADER', field, value: this.text('HEADER value') };
      }
      case 'LARGER':
      case 'SMALLER':
        r.sp();
        return { key: name, size: r.number('size') };
      case 'OLDER':
      case 'YOUNGER':
        r.sp();
        return { key: name, seconds: r.nzNumber('interval') };
      case 'UID':
        r.sp();
        return { key: 'UID', set: r.sequenceSet() };
      case 'NOT':
        r.sp();
        return { key: 'NOT', operand: this.key(depth + 1) };
      case 'OR': {
        r.sp();
        const left = this.key(depth + 1);
        r.sp();
        return { key: 'OR', left, right: this.key(depth + 1) };
      }
      case 'MODSEQ': {
        r.sp();
        let entry: { name: string; type: 'priv' | 'shared' | 'all' } | null = null;
        if (r.peek() === 0x22) {
          const entryName = utf8(r.string('entry name'), 'entry name');
          r.sp();
          const type = r.keyword('entry type').toLowerCase();
          if (type !== 'priv' && type !== 'shared' && type !== 'all') return r.fail(`Invalid entry type ${type}`);
          r.sp();
          entry = { name: entryName, type };
        }
        return { key: 'MODSEQ', modseq: r.modseq(true), entry };
      }
      default:
        return r.fail(`Unknown search key ${name}`);
    }
  }
}

type SearchDateValue = ReturnType<typeof parseSearchDate>;

/** `RETURN (...)` options of ESEARCH/ESORT (after the RETURN keyword). */
function readReturnOptions(r: CommandReader, allowed: ReadonlySet<string>): SearchReturnOption[] {
  r.sp();
  const options = r.list(
    () => {
      const option = r.keyword('return option');
      if (!allowed.has(option)) r.fail(`Unknown return option ${option}`);
      return option as SearchReturnOption;
    },
    true,
    'return options',
  );
  return [...new Set(options)];
}

/** charset (an astring) checked against {@link SEARCH_CHARSETS}: an unknown one is NO [BADCHARSET]. */
function readCharset(r: CommandReader): string {
  const charset = r.astring('charset').toString('latin1').toUpperCase();
  if (!SEARCH_CHARSETS.includes(charset)) {
    throw new ImapParseError(`Unsupported charset ${charset}`, { status: 'NO', code: 'BADCHARSET' });
  }
  return charset;
}

/** 1*(SP search-key) after the current position's first key (which starts right here), ANDed. */
function readCriteria(r: CommandReader, charset: string): SearchKey {
  const parser = new SearchParser(r, charset);
  const operands: SearchKey[] = [parser.key(1)];
  while (r.trySp()) operands.push(parser.key(1));
  return operands.length === 1 ? (operands[0] as SearchKey) : { key: 'AND', operands };
}

/** search = "SEARCH" [SP "RETURN" SP "(" [options] ")"] [SP "CHARSET" SP astring] 1*(SP search-key) */
export function parseSearch(r: CommandReader, tag: string, uid: boolean): SearchCommand {
  r.sp();
  let returnOptions: SearchReturnOption[] | null = null;
  let charset: string | null = null;
  // RETURN and CHARSET are keywords only in first position; neither is a search key.
  if (r.tryKeyword('RETURN')) {
    returnOptions = readReturnOptions(r, RETURN_OPTIONS);
    r.sp();
  }
  if (r.tryKeyword('CHARSET')) {
    r.sp();
    charset = readCharset(r);
    r.sp();
  }
  return { tag, name: 'SEARCH', uid, charset, criteria: readCriteria(r, charset ?? 'UTF-8'), returnOptions };
}

const SORT_KEYS = new Set<string>([
  'ARRIVAL',
  'CC',
  'DATE',
  'FROM',
  'SIZE',
  'SUBJECT',
  'TO',
  'DISPLAYFROM',
  'DISPLAYTO',
]);
const SORT_RETURN_OPTIONS = new Set<string>(['MIN', 'MAX', 'ALL', 'COUNT']);

/**
 * sort = "SORT" [SP "RETURN" SP "(" ... ")"] SP "(" sort-criterion *(SP sort-criterion) ")" SP charset
 * 1*(SP search-key) (RFC 5256, ESORT RFC 5267, DISPLAYFROM/DISPLAYTO RFC 5957).
 */
export function parseSort(r: CommandReader, tag: string, uid: boolean): SortCommand {
  r.sp();
  let returnOptions: SearchReturnOption[] | null = null;
  if (r.tryKeyword('RETURN')) {
    returnOptions = readReturnOptions(r, SORT_RETURN_OPTIONS);
    r.sp();
  }
  const criteria = r.list(
    () => {
      const reverse = r.tryKeyword('REVERSE');
      if (reverse) r.sp();
      const key = r.keyword('sort key');
      if (!SORT_KEYS.has(key)) r.fail(`Unknown sort key ${key}`);
      return { key: key as SortKey, reverse };
    },
    false,
    'sort criteria',
  );
  r.sp();
  const charset = readCharset(r);
  r.sp();
  return { tag, name: 'SORT', uid, sortCriteria: criteria, charset, criteria: readCriteria(r, charset), returnOptions };
}

/** thread = "THREAD" SP thread-alg SP charset 1*(SP search-key) (RFC 5256). */
export function parseThread(r: CommandReader, tag: string, uid: boolean): ThreadCommand {
  r.sp();
  const algorithm = r.keyword('thread algorithm');
  if (algorithm !== 'ORDEREDSUBJECT' && algorithm !== 'REFERENCES') {
    return r.fail(`Unknown thread algorithm ${algorithm}`);
  }
  r.sp();
  const charset = readCharset(r);
  r.sp();
  return { tag, name: 'THREAD', uid, algorithm, charset, criteria: readCriteria(r, charset) };
}
