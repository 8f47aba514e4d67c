import { type EnvelopeAddress, parseAddressList } from './address.js';
import { untilNul } from './bytes.js';
import type { MimeNode } from './types.js';

/**
 * RFC 3501 ENVELOPE as data. Strings are the raw header values (folding line breaks kept, encoded words not
 * decoded, bytes before any NUL); how they are quoted, unfolded or sent as literals is the serialiser's job.
 */
export interface Envelope {
  date: Buffer | null;
  subject: Buffer | null;
  from: EnvelopeAddress[] | null;
  /** Defaults to `from` when the field is absent or holds no address. */
  sender: EnvelopeAddress[] | null;
  /** Defaults to `from` when the field is absent or holds no address. */
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: Buffer | null;
  messageId: Buffer | null;
}

type StringKey = 'date' | 'subject' | 'inReplyTo' | 'messageId';
type AddressKey = 'from' | 'sender' | 'replyTo' | 'to' | 'cc' | 'bcc';

const STRING_FIELDS: Record<string, StringKey> = {
  date: 'date',
  subject: 'subject',
  'in-reply-to': 'inReplyTo',
  'message-id': 'messageId',
};
const ADDRESS_FIELDS: Record<string, AddressKey> = {
  from: 'from',
  sender: 'sender',
  'reply-to': 'replyTo',
  to: 'to',
  cc: 'cc',
  bcc: 'bcc',
};

/**
 * The ENVELOPE of a message: the top-level node, or the `message` of a message/rfc822 part. When a field occurs
 * more than once the last occurrence is used (Dovecot's choice).
 */
export function envelopeOf(node: MimeNode): Envelope {
  const env: Envelope = {
    date: null,
    subject: null,
    from: null,
    sender: null,
    replyTo: null,
    to: null,
    cc: null,
    bcc: null,
    inReplyTo: null,
    messageId: null,
  };
  for (const f of node.fields) {
    const name = f.name.toLowerCase();
    const sKey = Object.hasOwn(STRING_FIELDS, name) ? STRING_FIELDS[name] : undefined;
    if (sKey !== undefined) {
      env[sKey] = untilNul(f.rawValue);
      continue;
    }
    const aKey = Object.hasOwn(ADDRESS_FIELDS, name) ? ADDRESS_FIELDS[name] : undefined;
    if (aKey !== undefined) env[aKey] = parseAddressList(f.rawValue);
  }
  if (env.sender === null) env.sender = env.from;
  if (env.replyTo === null) env.replyTo = env.from;
  return env;
}
