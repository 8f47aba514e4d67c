/**
 * The one error a recipient or a delivery fails with, and its single mapping to an LMTP reply
 * and to a CLI exit code. Anything the dagent does not recognise is temporary (451 4.3.0 / 75):
 * a server that is down, slow or confused must make the MTA retry, never bounce.
 */
import { KcError } from '@kgc/soap';

export type FailureKind =
  /** No user has this address, alias or login name. */
  | 'unknown-user'
  /** The address matches several users. */
  | 'ambiguous'
  /** The address cannot be a recipient (syntax). */
  | 'bad-address'
  /** Hard quota reached, known at RCPT (with SIZE): permanent. */
  | 'over-quota'
  /** Hard quota reached at delivery: temporary, the user may make room. */
  | 'store-full'
  /** The message is larger than the server takes. */
  | 'too-big'
  /** Anything else: server down or slow, storage error. Retry later. */
  | 'temporary';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly kind: FailureKind,
    message: string = kind,
  ) {
    super(message);
  }
}

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code. */
  enhanced: string;
  text: string;
}

const REPLIES: Record<FailureKind, { code: number; enhanced: string; text: string }> = {
  'unknown-user': { code: 550, enhanced: '5.1.1', text: 'User does not exist' },
  ambiguous: { code: 550, enhanced: '5.1.4', text: 'Address is ambiguous' },
  'bad-address': { code: 553, enhanced: '5.1.3', text: 'Bad recipient address syntax' },
  'over-quota': { code: 552, enhanced: '5.2.2', text: 'Quota exceeded' },
  'store-full': { code: 452, enhanced: '4.2.2', text: 'Mailbox full, try again later' },
  'too-big': { code: 552, enhanced: '5.3.4', text: 'Message too big for the store' },
  temporary: { code: 451, enhanced: '4.3.0', text: 'Temporary failure, try again later' },
};

/** The LMTP reply for a failed recipient; `address` is echoed as KGC does (`<rcpt> Quota exceeded`). */
export function smtpReply(kind: FailureKind, address?: string): SmtpReply {
  const r = REPLIES[kind];
  return { code: r.code, enhanced: r.enhanced, text: address === undefined ? r.text : `<${address}> ${r.text}` };
}

/** An Error as smtp-server's hooks take it: `responseCode`, and the enhanced code leading the text. */
export function smtpError(kind: FailureKind, address?: string): Error & { responseCode: number } {
  const r = smtpReply(kind, address);
  return Object.assign(new Error(`${r.enhanced} ${r.text}`), { responseCode: r.code });
}

/** sysexits(3) codes of CLI mode, as KGC's dagent and MTAs that pipe expect them. */
export const EXIT = { ok: 0, usage: 64, dataErr: 65, noUser: 67, cantCreate: 73, tempFail: 75 } as const;

export function exitCodeOf(kind: FailureKind): number {
  switch (kind) {
    case 'unknown-user':
    case 'ambiguous':
    case 'bad-address':
      return EXIT.noUser;
    case 'over-quota':
      return EXIT.cantCreate;
    case 'too-big':
      return EXIT.dataErr;
    case 'store-full':
    case 'temporary':
      return EXIT.tempFail;
  }
}

/** A failure of a server call, as a DeliveryError; `notFound` says what KCERR_NOT_FOUND means here. */
export function fromServerError(e: unknown, notFound: FailureKind = 'temporary'): DeliveryError {
  if (e instanceof DeliveryError) return e;
  if (e instanceof KcError) {
    switch (e.code) {
      case 'KCERR_NOT_FOUND':
        return new DeliveryError(notFound, e.message);
      case 'KCERR_COLLISION':
        return new DeliveryError(notFound === 'unknown-user' ? 'ambiguous' : 'temporary', e.message);
      case 'KCERR_STORE_FULL':
        return new DeliveryError('store-full', e.message);
      case 'KCERR_TOO_BIG':
        return new DeliveryError('too-big', e.message);
      default:
        return new DeliveryError('temporary', `${e.code}: ${e.message}`);
    }
  }
  return new DeliveryError('temporary', e instanceof Error ? e.message : String(e));
}
