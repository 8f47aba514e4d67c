/** Parsers of STORE (±FLAGS[.SILENT], UNCHANGEDSINCE), COPY, MOVE and EXPUNGE / UID EXPUNGE. */
import type { CommandReader } from './command-reader.js';
import type { CopyCommand, ExpungeCommand, StoreCommand } from './command-types.js';
import { dedupeFlags, readFlag, readFlagList, readMailbox } from './parse-values.js';

/**
 * store = "STORE" SP sequence-set [SP "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")"] SP store-att-flags;
 * store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
 */
export function parseStore(r: CommandReader, tag: string, uid: boolean): StoreCommand {
  r.sp();
  const sequenceSet = r.sequenceSet();
  r.sp();
  let unchangedSince: number | null = null;
  if (r.peek() === 0x28) {
    r.list(
      () => {
        const modifier = r.keyword('store modifier');
        if (modifier !== 'UNCHANGEDSINCE') r.fail(`Unknown store modifier ${modifier}`);
        if (unchangedSince !== null) r.fail('UNCHANGEDSINCE given twice');
        r.sp();
        unchangedSince = r.modseq(true);
      },
      false,
      'store modifiers',
    );
    r.sp();
  }
  const operation = r.tryChar('+') ? 'add' : r.tryChar('-') ? 'remove' : 'replace';
  const item = r.keyword('FLAGS');
  if (item !== 'FLAGS' && item !== 'FLAGS.SILENT') r.fail(`Unknown store item ${item}`);
  r.sp();
  let flags: string[];
  if (r.peek() === 0x28) {
    flags = readFlagList(r);
  } else {
    flags = [readFlag(r)];
    while (r.trySp()) flags.push(readFlag(r));
    flags = dedupeFlags(flags);
  }
  return { tag, name: 'STORE', uid, sequenceSet, operation, silent: item === 'FLAGS.SILENT', flags, unchangedSince };
}

export function parseCopy(r: CommandReader, tag: string, uid: boolean, name: 'COPY' | 'MOVE'): CopyCommand {
  r.sp();
  const sequenceSet = r.sequenceSet();
  r.sp();
  return { tag, name, uid, sequenceSet, mailbox: readMailbox(r) };
}

export function parseExpunge(r: CommandReader, tag: string, uid: boolean): ExpungeCommand {
  if (!uid) return { tag, name: 'EXPUNGE', uid, sequenceSet: null };
  r.sp();
  return { tag, name: 'EXPUNGE', uid, sequenceSet: r.sequenceSet() };
}
