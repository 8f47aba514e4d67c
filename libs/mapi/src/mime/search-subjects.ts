/**
 * What SEARCH SUBJECT compares against (RFC 3501 §6.4.4), the way Dovecot's search sees it: the
 * decoded value of every top-level Subject field, not only the first (a message with two Subject
 * fields matches a word of either). The server stores this list with each message, so a gateway
 * can search subjects without loading header blocks; the gateway computes it the same way for
 * rows stored without it.
 */
import { decodeHeaderText } from './header-decode.js';
import type { HeaderField } from './header-parser.js';

export function searchSubjects(fields: ReadonlyArray<Pick<HeaderField, 'name' | 'rawValue'>>): string[] {
  const out: string[] = [];
  for (const f of fields) if (f.name.toLowerCase() === 'subject') out.push(decodeHeaderText(f.rawValue));
  return out;
}
