export { ServerLink, serviceSecretOf } from '@kgc/soap';
export { CLI_USAGE, type CliArgs, type CliIo, exitCodeFor, parseCliArgs, runCli } from './cli.js';
export { type DagentConfig, dagentConfig } from './config.js';
export { type RunningDagent, type StartDagentOptions, startDagent } from './dagent.js';
export { type Delivery, deliver, deliveryKey, type Outcome } from './deliver.js';
export {
  DeliveryError,
  EXIT,
  exitCodeOf,
  type FailureKind,
  fromServerError,
  type SmtpReply,
  smtpError,
  smtpReply,
} from './errors.js';
export { chooseFolder, FolderCache, indexFolders, type StoreFolders } from './folders.js';
export { headerValues, isSpam, rfc5322Date, type TraceInfo, traceHeaders } from './headers.js';
export { type Recipient, resolveRecipient, splitPlus } from './recipients.js';
