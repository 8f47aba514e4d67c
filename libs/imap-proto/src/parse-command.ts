/**
 * The entry point: {@link parseCommand} turns a {@link FramedCommand} into a typed {@link ImapCommand}, or throws
 * one {@link ImapParseError} (tag and command name filled in when they could be read) to answer with
 * {@link errorResponse}. One parser per command in one table; UID marks the UID variants. Also the parsers of the
 * simple session commands (AUTHENTICATE, LOGIN, ENABLE, ID, quota) and of AUTHENTICATE continuation lines.
 */
import type { FramedCommand } from './command-framer.js';
import { CommandReader } from './command-reader.js';
import type { ImapCommand, ImapCommandName, SimpleCommandName } from './command-types.js';
import { ImapParseError } from './errors.js';
import { type ImapLimits, imapLimits } from './limits.js';
import { parseFetch } from './parse-fetch.js';
import {
  parseAppend,
  parseCreate,
  parseList,
  parseLsub,
  parseMailboxOnly,
  parseRename,
  parseSelect,
  parseStatus,
} from './parse-mailbox-commands.js';
import { parseCopy, parseExpunge, parseStore } from './parse-message-commands.js';
import { parseSearch, parseSort, parseThread } from './parse-search.js';
import { readMailbox, utf8 } from './parse-values.js';

type Parser = (r: CommandReader, tag: string, uid: boolean) => ImapCommand;

const simple =
  (name: SimpleCommandName): Parser =>
  (_r, tag) => ({ tag, name });

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes strict base64 (RFC 4648, padded); null when it is not. */
export function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/**
 * An AUTHENTICATE continuation line (RFC 3501 §6.2.2, RFC 4959): `*` cancels (answer BAD), `=` or "" is an empty
 * response, otherwise base64. Throws {@link ImapParseError} for anything else.
 */
export function parseSaslResponse(line: Buffer): { cancel: true } | { cancel: false; data: Buffer } {
  const text = line.toString('latin1');
  if (text === '*') return { cancel: true };
  if (text === '=' || text === '') return { cancel: false, data: Buffer.alloc(0) };
  const data = decodeBase64(text);
  if (data === null) throw new ImapParseError('Invalid base64 in authentication response');
  return { cancel: false, data };
}

/** True for the line that ends IDLE (RFC 2177: `DONE`, any case). */
export function isIdleDone(line: Buffer): boolean {
  return line.length === 4 && line.toString('latin1').toUpperCase() === 'DONE';
}

const PARSERS: Record<string, Parser> = {
  CAPABILITY: simple('CAPABILITY'),
  NOOP: simple('NOOP'),
  LOGOUT: simple('LOGOUT'),
  STARTTLS: simple('STARTTLS'),
  CHECK: simple('CHECK'),
  CLOSE: simple('CLOSE'),
  UNSELECT: simple('UNSELECT'),
  IDLE: simple('IDLE'),
  NAMESPACE: simple('NAMESPACE'),
  AUTHENTICATE(r, tag) {
    r.sp();
    const mechanism = r.keyword('mechanism');
    let initialResponse: Buffer | null = null;
    if (r.trySp()) {
      const text = r.atom('initial response');
      initialResponse = text === '=' ? Buffer.alloc(0) : decodeBase64(text);
      if (initialResponse === null || text === '') r.fail('Invalid base64 in initial response');
    }
    return { tag, name: 'AUTHENTICATE', mechanism, initialResponse };
  },
  LOGIN(r, tag) {
    r.sp();
    const username = utf8(r.astring('user name'), 'user name');
    r.sp();
    return { tag, name: 'LOGIN', username, password: utf8(r.astring('password'), 'password') };
  },
  SELECT: (r, tag) => parseSelect(r, tag, 'SELECT'),
  EXAMINE: (r, tag) => parseSelect(r, tag, 'EXAMINE'),
  CREATE: (r, tag) => parseCreate(r, tag),
  DELETE: (r, tag) => parseMailboxOnly(r, tag, 'DELETE'),
  SUBSCRIBE: (r, tag) => parseMailboxOnly(r, tag, 'SUBSCRIBE'),
  UNSUBSCRIBE: (r, tag) => parseMailboxOnly(r, tag, 'UNSUBSCRIBE'),
  RENAME: (r, tag) => parseRename(r, tag),
  LIST: (r, tag) => parseList(r, tag),
  LSUB: (r, tag) => parseLsub(r, tag),
  STATUS: (r, tag) => parseStatus(r, tag),
  APPEND: (r, tag) => parseAppend(r, tag),
  EXPUNGE: parseExpunge,
  SEARCH: parseSearch,
  SORT: parseSort,
  THREAD: parseThread,
  FETCH: parseFetch,
  STORE: parseStore,
  COPY: (r, tag, uid) => parseCopy(r, tag, uid, 'COPY'),
  MOVE: (r, tag, uid) => parseCopy(r, tag, uid, 'MOVE'),
  ENABLE(r, tag) {
    const capabilities: string[] = [];
    do {
      r.sp();
      capabilities.push(r.keyword('capability'));
    } while (!r.atEnd());
    return { tag, name: 'ENABLE', capabilities: [...new Set(capabilities)] };
  },
  ID(r, tag) {
    r.sp();
    if (r.peek() !== 0x28) {
      if (r.keyword('parameter list') !== 'NIL') r.fail('Expected a parameter list or NIL');
      return { tag, name: 'ID', parameters: null };
    }
    const { maxIdPairs, maxIdFieldLength, maxIdValueLength } = r.limits;
    const parameters: { field: string; value: string | null }[] = [];
    r.list(
      () => {
        if (parameters.length >= maxIdPairs) throw new ImapParseError('Too many ID parameters', { code: 'LIMIT' });
        const field = r.string('ID field');
        r.sp();
        const value = r.nstring('ID value');
        if (field.length > maxIdFieldLength || (value !== null && value.length > maxIdValueLength)) {
          throw new ImapParseError('ID parameter too long', { code: 'LIMIT' });
        }
        parameters.push({ field: utf8(field, 'ID field'), value: value === null ? null : utf8(value, 'ID value') });
      },
      true,
      'ID parameter list',
    );
    return { tag, name: 'ID', parameters };
  },
  GETQUOTA(r, tag) {
    r.sp();
    return { tag, name: 'GETQUOTA', root: utf8(r.astring('quota root'), 'quota root') };
  },
  GETQUOTAROOT(r, tag) {
    r.sp();
    return { tag, name: 'GETQUOTAROOT', mailbox: readMailbox(r) };
  },
  SETQUOTA(r, tag) {
    r.sp();
    const root = utf8(r.astring('quota root'), 'quota root');
    r.sp();
    const limits: { resource: string; limit: number }[] = [];
    r.list(
      () => {
        const resource = r.keyword('resource name');
        r.sp();
        limits.push({ resource, limit: r.number('limit') });
      },
      true,
      'quota list',
    );
    return { tag, name: 'SETQUOTA', root, limits };
  },
};

/** Commands that take the UID prefix. */
export const UID_COMMANDS: ReadonlySet<ImapCommandName> = new Set<ImapCommandName>([
  'FETCH',
  'SEARCH',
  'SORT',
  'THREAD',
  'STORE',
  'COPY',
  'MOVE',
  'EXPUNGE',
]);

/** Every command name the parser knows. */
export const IMAP_COMMAND_NAMES: readonly ImapCommandName[] = Object.keys(PARSERS) as ImapCommandName[];

export interface ParseCommandOptions {
  limits?: Partial<ImapLimits>;
}

/** Parses one framed command. Throws {@link ImapParseError}. */
export function parseCommand(
  command: Pick<FramedCommand, 'lines' | 'literals'>,
  options: ParseCommandOptions = {},
): ImapCommand {
  let tag: string | null = null;
  let name: string | null = null;
  try {
    const r = new CommandReader(command, imapLimits(options.limits));
    tag = r.tag();
    r.assertNoNul();
    if (r.atEnd()) r.fail('Missing command');
    r.sp();
    name = r.keyword('command name');
    let uid = false;
    if (name === 'UID') {
      uid = true;
      r.sp();
      const sub = r.keyword('command name');
      name = `UID ${sub}`;
      if (!UID_COMMANDS.has(sub as ImapCommandName)) {
        throw new ImapParseError(`Unknown command UID ${sub}`, { unknownCommand: true });
      }
      name = sub;
    }
    const parser = PARSERS[name];
    if (parser === undefined || !Object.hasOwn(PARSERS, name)) {
      throw new ImapParseError(`Unknown command ${name}`, { unknownCommand: true });
    }
    const parsed = parser(r, tag, uid);
    r.end();
    return parsed;
  } catch (e) {
    if (e instanceof ImapParseError) throw e.withContext(tag, name);
    throw e;
  }
}
