/** Small pieces of IMAP response syntax the commands share (the string rules are @kgc/imap-proto's). */
import { astring, encodeModifiedUtf7, quoted } from '@kgc/imap-proto';

/** A mailbox name as sent: modified UTF-7, quoted when needed (a literal if it must be). */
export function mailboxName(name: string): Buffer {
  return astring(encodeModifiedUtf7(name));
}

/** A mailbox name always quoted (LIST/LSUB answers, as most servers write them). */
export function quotedMailbox(name: string): Buffer {
  const encoded = encodeModifiedUtf7(name);
  try {
    return quoted(encoded);
  } catch {
    return astring(encoded);
  }
}

export function flagList(flags: readonly string[]): string {
  return `(${flags.join(' ')})`;
}

export function line(text: string): Buffer {
  return Buffer.from(`${text}\r\n`, 'utf8');
}

/** Text after a status: no CR/LF/NUL. */
export function cleanText(text: string): string {
  return text.replace(/[\r\n\0]+/g, ' ');
}
