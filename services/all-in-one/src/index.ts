export {
  EMBEDDED_DEFAULTS,
  type EmbeddedOptions,
  type EmbeddedSuite,
  ensureSecret,
  startEmbedded,
} from './embedded.js';
