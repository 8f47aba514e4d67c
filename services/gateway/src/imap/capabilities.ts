/** CAPABILITY: only what is complete (kopano.md §7 lists KGC's; ours is a superset). */
import type { ImapState } from './state.js';

export interface CapabilityInputs {
  state: ImapState['kind'];
  canStartTls: boolean;
  plaintextAllowed: boolean;
  idle: boolean;
}

export function capabilities(c: CapabilityInputs): string[] {
  const caps = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE'];
  if (c.state === 'not-authenticated') {
    if (c.canStartTls) caps.push('STARTTLS');
    caps.push(c.plaintextAllowed ? 'AUTH=PLAIN' : 'LOGINDISABLED');
    return caps;
  }
  caps.push(
    'CHILDREN',
    'NAMESPACE',
    'UNSELECT',
    'UIDPLUS',
    'MOVE',
    'SPECIAL-USE',
    'QUOTA',
    'CONDSTORE',
    'QRESYNC',
    'ESEARCH',
    'LIST-EXTENDED',
    'LIST-STATUS',
  );
  if (c.idle) caps.push('IDLE');
  return caps;
}
