export { newConnectionId } from './connection-id.js';
export { LOG_LEVEL_VALUES, type LogLevelValue, parseLogLevel } from './levels.js';
export { libraryLogger } from './library-logger.js';
export {
  type ConnectionBindings,
  type CreateLoggerOptions,
  connectionLogger,
  createLogger,
  type Logger,
  REDACT_PATHS,
  REDACTED,
  SECRET_KEYS,
} from './logger.js';
