/**
 * Parsers of the mailbox commands: SELECT/EXAMINE (CONDSTORE, QRESYNC), CREATE (USE), DELETE, RENAME, SUBSCRIBE,
 * UNSUBSCRIBE, LIST (LIST-EXTENDED, SPECIAL-USE, LIST-STATUS), LSUB, STATUS, APPEND (MULTIAPPEND, literal8).
 * Each reads the arguments after the command name.
 */
import type { CommandReader } from './command-reader.js';
import type {
  AppendCommand,
  AppendMessage,
  CreateCommand,
  ListCommand,
  ListReturn,
  ListSelection,
  LsubCommand,
  MailboxCommand,
  QresyncParams,
  RenameCommand,
  SelectCommand,
  StatusCommand,
} from './command-types.js';
import { parseDateTime } from './date-time.js';
import { decodePattern, readFlagList, readMailbox, readStatusItems } from './parse-values.js';

export function parseSelect(r: CommandReader, tag: string, name: 'SELECT' | 'EXAMINE'): SelectCommand {
  r.sp();
  const mailbox = readMailbox(r);
  let condstore = false;
  let qresync: QresyncParams | null = null;
  if (r.trySp()) {
    r.list(
      () => {
        const param = r.keyword('select parameter');
        if (param === 'CONDSTORE') {
          condstore = true;
        } else if (param === 'QRESYNC') {
          if (qresync !== null) r.fail('QRESYNC given twice');
          r.sp();
          qresync = readQresync(r);
        } else {
          r.fail(`Unknown select parameter ${param}`);
        }
      },
      false,
      'select parameters',
    );
  }
  return { tag, name, mailbox, condstore, qresync };
}

/** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" */
function readQresync(r: CommandReader): QresyncParams {
  r.expectChar('(');
  const uidValidity = r.nzNumber('UIDVALIDITY');
  r.sp();
  const modseq = r.modseq(false);
  let knownUids = null;
  let sequenceMatch = null;
  if (r.trySp()) {
    if (r.peek() !== 0x28) {
      knownUids = r.sequenceSet(true);
      if (r.trySp() && r.peek() !== 0x28) r.fail('Expected sequence match data');
    }
    if (r.tryChar('(')) {
      const sequences = r.sequenceSet(true);
      r.sp();
      const uids = r.sequenceSet(true);
      r.expectChar(')');
      sequenceMatch = { sequences, uids };
    }
  }
  r.expectChar(')');
  return { uidValidity, modseq, knownUids, sequenceMatch };
}

export function parseCreate(r: CommandReader, tag: string): CreateCommand {
  r.sp();
  const mailbox = readMailbox(r);
  let specialUse: string[] = [];
  if (r.trySp()) {
    r.list(
      () => {
        const param = r.keyword('create parameter');
        if (param !== 'USE') r.fail(`Unknown create parameter ${param}`);
        r.sp();
        specialUse = r.list(
          () => {
            r.expectChar('\\');
            return `\\${r.atom('special-use attribute')}`;
          },
          false,
          'special-use list',
        );
      },
      false,
      'create parameters',
    );
  }
  return { tag, name: 'CREATE', mailbox, specialUse };
}

export function parseMailboxOnly(
  r: CommandReader,
  tag: string,
  name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE',
): MailboxCommand {
  r.sp();
  return { tag, name, mailbox: readMailbox(r) };
}

export function parseRename(r: CommandReader, tag: string): RenameCommand {
  r.sp();
  const from = readMailbox(r);
  r.sp();
  return { tag, name: 'RENAME', from, to: readMailbox(r) };
}

const SELECTION_OPTIONS: Record<string, keyof ListSelection> = {
  SUBSCRIBED: 'subscribed',
  REMOTE: 'remote',
  RECURSIVEMATCH: 'recursiveMatch',
  'SPECIAL-USE': 'specialUse',
};

export function parseList(r: CommandReader, tag: string): ListCommand {
  const max = r.limits.maxMailboxNameLength;
  const selection: ListSelection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  const returnOptions: ListReturn = { subscribed: false, children: false, specialUse: false, status: null };
  let extended = false;
  r.sp();
  if (r.peek() === 0x28) {
    extended = true;
    r.list(
      () => {
        const option = r.keyword('selection option');
        const key = SELECTION_OPTIONS[option];
        if (key === undefined) r.fail(`Unknown LIST selection option ${option}`);
        selection[key] = true;
      },
      true,
      'selection options',
    );
    // RFC 5258 §3.1: RECURSIVEMATCH needs another option that is not REMOTE.
    if (selection.recursiveMatch && !selection.subscribed && !selection.specialUse) {
      r.fail('RECURSIVEMATCH needs another selection option');
    }
    r.sp();
  }
  const reference = decodePattern(r.astring('reference'), max);
  r.sp();
  let patterns: string[];
  if (r.peek() === 0x28) {
    extended = true;
    patterns = r.list(() => decodePattern(r.listMailbox(), max), false, 'pattern list');
  } else {
    patterns = [decodePattern(r.listMailbox(), max)];
  }
  if (r.trySp()) {
    extended = true;
    if (r.keyword('RETURN') !== 'RETURN') r.fail('Expected RETURN');
    r.sp();
    r.list(
      () => {
        const option = r.keyword('return option');
        if (option === 'SUBSCRIBED') returnOptions.subscribed = true;
        else if (option === 'CHILDREN') returnOptions.children = true;
        else if (option === 'SPECIAL-USE') returnOptions.specialUse = true;
        else if (option === 'STATUS') {
          r.sp();
          returnOptions.status = readStatusItems(r);
        } else r.fail(`Unknown LIST return option ${option}`);
      },
      true,
      'return options',
    );
  }
  return { tag, name: 'LIST', reference, patterns, selection, returnOptions, extended };
}

export function parseLsub(r: CommandReader, tag: string): LsubCommand {
  const max = r.limits.maxMailboxNameLength;
  r.sp();
  const reference = decodePattern(r.astring('reference'), max);
  r.sp();
  return { tag, name: 'LSUB', reference, pattern: decodePattern(r.listMailbox(), max) };
}

export function parseStatus(r: CommandReader, tag: string): StatusCommand {
  r.sp();
  const mailbox = readMailbox(r);
  r.sp();
  return { tag, name: 'STATUS', mailbox, items: readStatusItems(r) };
}

/** append = "APPEND" SP mailbox 1*append-message (MULTIAPPEND); append-message = [SP flag-list] [SP date-time] SP literal */
export function parseAppend(r: CommandReader, tag: string): AppendCommand {
  r.sp();
  const mailbox = readMailbox(r);
  const messages: AppendMessage[] = [];
  while (r.trySp()) {
    let flags: string[] = [];
    let internalDate = null;
    if (r.peek() === 0x28) {
      flags = readFlagList(r);
      r.sp();
    }
    if (r.peek() === 0x22) {
      internalDate = parseDateTime(r.string('date-time').toString('latin1'));
      r.sp();
    }
    const literal = r.messageLiteral();
    messages.push({ flags, internalDate, data: literal.bytes, binary: literal.binary });
  }
  if (messages.length === 0) r.fail('APPEND needs a message literal');
  return { tag, name: 'APPEND', mailbox, messages };
}
