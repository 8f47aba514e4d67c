export {
  EMBEDDED_DEFAULTS,
  type EmbeddedOptions,
  type EmbeddedSuite,
  ensureSecret,
  spoolerEnv,
  startEmbedded,
} from './embedded.js';
