/**
 * @kgc/imap-proto: the pure IMAP protocol layer (no I/O). Framing of client input into commands
 * ({@link ImapCommandFramer}), parsing into typed commands ({@link parseCommand}), sequence sets, modified UTF-7,
 * dates, limits, typed errors, and the serialisers of response strings, ENVELOPE and BODYSTRUCTURE.
 */
export {
  type FramedCommand,
  type FrameEvent,
  type FrameMode,
  ImapCommandFramer,
  peekTagAndName,
} from './command-framer.js';
export type {
  AppendCommand,
  AppendMessage,
  AuthenticateCommand,
  CopyCommand,
  CreateCommand,
  EnableCommand,
  ExpungeCommand,
  FetchAttribute,
  FetchCommand,
  GetQuotaCommand,
  GetQuotaRootCommand,
  IdCommand,
  ImapCommand,
  ImapCommandName,
  ImapCommandOf,
  ImapDateTime,
  ListCommand,
  ListReturn,
  ListSelection,
  LoginCommand,
  LsubCommand,
  MailboxCommand,
  QresyncParams,
  RenameCommand,
  SearchCommand,
  SearchDate,
  SearchDateKey,
  SearchKey,
  SearchReturnOption,
  SearchStringKey,
  SelectCommand,
  SetQuotaCommand,
  SimpleCommand,
  SimpleCommandName,
  SimpleFetchItem,
  SortCommand,
  SortKey,
  StatusCommand,
  StatusItem,
  StoreCommand,
  ThreadCommand,
} from './command-types.js';
export { formatDateTime, parseDateTime, parseSearchDate } from './date-time.js';
export {
  errorResponse,
  type ImapErrorCode,
  ImapFrameError,
  type ImapFrameErrorKind,
  ImapParseError,
  type ImapParseErrorOptions,
  responseCodeText,
  SEARCH_CHARSETS,
} from './errors.js';
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
export {
  DEFAULT_IMAP_LIMITS,
  type ImapLimits,
  imapLimits,
  LITERAL_MINUS_MAX,
  MAX_MODSEQ,
  MAX_NUMBER,
} from './limits.js';
export { commandLogText } from './log-text.js';
export { decodeModifiedUtf7, encodeModifiedUtf7, isModifiedUtf7 } from './modified-utf7.js';
export {
  decodeBase64,
  IMAP_COMMAND_NAMES,
  isIdleDone,
  type ParseCommandOptions,
  parseCommand,
  parseSaslResponse,
  UID_COMMANDS,
} from './parse-command.js';
export { fetchResponseName, fetchSetsSeen, formatSection } from './parse-fetch.js';
export { canonicalSystemFlag, decodeMailbox, STATUS_ITEMS } from './parse-values.js';
export {
  countSequenceSet,
  formatNumberSet,
  formatSequenceSet,
  isSequenceSet,
  iterateSequenceSet,
  parseSequenceSet,
  resolveSequenceSet,
  type SeqBound,
  type SeqInterval,
  type SeqRange,
  type SequenceSet,
  type SequenceSetMatcher,
  sequenceSetHas,
  sequenceSetMatcher,
  sequenceSetUsesStar,
} from './sequence-set.js';
