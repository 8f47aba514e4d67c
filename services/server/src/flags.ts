/** IMAP flag names <-> the storage bitmask + keywords. */
import { KcError } from '@kgc/soap';
import { MessageFlag } from './storage/message-flags.js';

const SYSTEM: Record<string, number> = {
  '\\seen': MessageFlag.Seen,
  '\\answered': MessageFlag.Answered,
  '\\flagged': MessageFlag.Flagged,
  '\\deleted': MessageFlag.Deleted,
  '\\draft': MessageFlag.Draft,
};

const NAMES: Array<[number, string]> = [
  [MessageFlag.Seen, '\\Seen'],
  [MessageFlag.Answered, '\\Answered'],
  [MessageFlag.Flagged, '\\Flagged'],
  [MessageFlag.Deleted, '\\Deleted'],
  [MessageFlag.Draft, '\\Draft'],
];

export interface SplitFlags {
  mask: number;
  keywords: string[];
}

/** `\Recent` is per IMAP session, never stored: it is ignored here. Other `\` names are refused. */
export function splitFlags(flags: readonly string[]): SplitFlags {
  let mask = 0;
  const keywords: string[] = [];
  for (const f of flags) {
    if (f.startsWith('\\')) {
      const bit = SYSTEM[f.toLowerCase()];
      if (bit !== undefined) mask |= bit;
      else if (f.toLowerCase() !== '\\recent') throw new KcError('KCERR_INVALID_PARAMETER', `unknown system flag ${f}`);
    } else keywords.push(f);
  }
  return { mask, keywords };
}

export function joinFlags(mask: number, keywords: readonly string[]): string[] {
  const out: string[] = [];
  for (const [bit, name] of NAMES) if (mask & bit) out.push(name);
  return [...out, ...keywords];
}
