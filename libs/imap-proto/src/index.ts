export { serializeBodyStructure, serializeEnvelope } from './fetch-writer.js';
export {
  astring,
  ImapStringError,
  type ImapText,
  imapString,
  isQuotable,
  literal,
  NIL_BYTES,
  nstring,
  nstringNoLf,
  quoted,
  stringForHumans,
} from './imap-string.js';
