export { type EnvelopeAddress, parseAddressList } from './address.js';
export {
  type BasicBody,
  type BodyDisposition,
  type BodyFields,
  type BodyStructure,
  type BodyStructureOptions,
  bodyStructureOf,
  type MessageBody,
  type MultipartBody,
  type MultipartExtension,
  type SinglePartExtension,
  type TextBody,
} from './body-structure.js';
export {
  type BodyTextPart,
  bodyTextMatcher,
  bodyTextMatches,
  containsText,
  decodedBodyParts,
  decodedBodyText,
  decodedPartBody,
} from './body-text.js';
export type { MessageSize } from './bytes.js';
export { decodeCharset, isKnownCharset } from './charset.js';
export { type Envelope, envelopeOf } from './envelope.js';
export { headerBlock } from './header-block.js';
export { decodeHeaderText } from './header-decode.js';
export { type HeaderField, parseHeaderBlock } from './header-parser.js';
export { MAX_MIME_DEPTH, MAX_MIME_PARTS } from './limits.js';
export { findPart, parseMimeTree } from './mime-parser.js';
export type { MimeParam } from './rfc2231.js';
export { searchSubjects } from './search-subjects.js';
export {
  headerSectionOf,
  parseSection,
  type SectionPartial,
  type SectionSpec,
  type SectionText,
  sectionOf,
  wholeMessageSectionOf,
} from './section.js';
export type { DecodedParam, MimeNode } from './types.js';
