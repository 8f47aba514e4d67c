/**
 * Every reply the submission listener sends of its own, in one table, and the one error type
 * its hooks fail with. Server failures map here too (fromServerError): anything not known is a
 * temporary 451, never a bounce.
 */
import { KcError } from '@kgc/soap';

const REPLIES = {
  'auth-failed': { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' },
  'auth-temporary': { code: 454, enhanced: '4.7.0', text: 'Temporary authentication failure' },
  'auth-too-many': { code: 421, enhanced: '4.7.0', text: 'Too many failed authentications, closing connection' },
  'sender-refused': { code: 553, enhanced: '5.7.1', text: 'Sender address not owned by the authenticated user' },
  'from-refused': { code: 550, enhanced: '5.7.1', text: 'From header address not owned by the authenticated user' },
  'no-from': { code: 550, enhanced: '5.6.0', text: 'The message has no From header' },
  'bad-recipient': { code: 553, enhanced: '5.1.3', text: 'Bad recipient address syntax' },
  'too-big': { code: 552, enhanced: '5.3.4', text: 'Message too big' },
  'over-quota': { code: 552, enhanced: '5.2.2', text: 'Mailbox over quota, sending refused' },
  'bad-message': { code: 554, enhanced: '5.6.0', text: 'Message refused' },
  temporary: { code: 451, enhanced: '4.3.0', text: 'Temporary failure, try again later' },
} as const;

export type SubmissionFailure = keyof typeof REPLIES;

export class SubmissionError extends Error {
  override readonly name = 'SubmissionError';
  readonly responseCode: number;
  constructor(
    readonly kind: SubmissionFailure,
    detail?: string,
  ) {
    const r = REPLIES[kind];
    super(`${r.enhanced} ${r.text}${detail ? `: ${detail.replace(/[\r\n]+/g, ' ').slice(0, 200)}` : ''}`);
    this.responseCode = r.code;
  }
}

/** A failed server call during a submission, as the reply the client gets. */
export function fromServerError(e: unknown): SubmissionError {
  if (e instanceof SubmissionError) return e;
  if (e instanceof KcError) {
    switch (e.code) {
      case 'KCERR_STORE_FULL':
        return new SubmissionError('over-quota');
      case 'KCERR_TOO_BIG':
        return new SubmissionError('too-big');
      case 'KCERR_INVALID_PARAMETER':
        return new SubmissionError('bad-message', e.message);
      default:
        return new SubmissionError('temporary');
    }
  }
  return new SubmissionError('temporary');
}
