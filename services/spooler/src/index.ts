export { ServerLink, serviceSecretOf } from '@kgc/soap';
export { addressKey, dedupAddresses, envelopeAddress, mailboxesOf } from './addresses.js';
export { type SpoolerConfig, spoolerConfig } from './config.js';
export { Directory, type SendAsVerdict } from './directory.js';
export { fieldValues, type HeaderBlock, type HeaderField, parseHeader, rewriteHeader, rfc5322Date } from './headers.js';
export { createSpoolerMetrics, type SendResult, type SpoolerMetrics, type SubmissionResult } from './metrics.js';
export { buildNdr, type FailedRecipient, type NdrInput, statusOf } from './ndr.js';
export {
  backoffMs,
  type Handled,
  type ProcessDeps,
  processEntry,
  type QueueEntry,
  type RetryPolicy,
} from './process-message.js';
export { ENVELOPE_PROPERTY, PENDING_PROPERTY } from './properties.js';
export { createRelay, outcomesOfError, outcomesOfInfo, type RecipientOutcome, type Relay } from './relay.js';
export { type RunningSpooler, type StartSpoolerOptions, startSpooler } from './spooler.js';
