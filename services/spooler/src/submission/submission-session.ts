/**
 * The submission hooks (RFC 6409): AUTH PLAIN/LOGIN is a logon at the server with the user's
 * password; MAIL FROM and every From header address must be the user's or one the user may send
 * as; DATA stores the message in the user's Sent Items and queues it (submitRawMessage, one
 * transaction) before the 250. Date and Message-ID are added when missing, so the Sent copy and
 * the relayed message are the same bytes.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '@kgc/log';
import type { ServerLink } from '@kgc/soap';
import { KcError, type KgcSession, userLogon } from '@kgc/soap';
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerSession,
} from 'smtp-server';
import { envelopeAddress, mailboxesOf } from '../addresses.js';
import type { Directory } from '../directory.js';
import { fieldValues, hasField, parseHeader, rewriteHeader, rfc5322Date } from '../headers.js';
import { SUBMISSION_MAX_AUTH_FAILURES } from '../limits.js';
import type { SpoolerMetrics } from '../metrics.js';
import { fromServerError, SubmissionError } from './replies.js';

/** Per connection: before and after a successful AUTH. */
type ConnState =
  | { kind: 'anonymous'; authFailures: number }
  | { kind: 'authenticated'; username: string; session: KgcSession };

type Done<T = void> = (err?: Error | null, value?: T) => void;

export interface SubmissionDeps {
  link: ServerLink;
  directory: Directory;
  metrics: SpoolerMetrics;
  log: Logger;
  hostname: string;
  maxMessageSize: number;
}

export interface SubmissionHooks {
  onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, cb: Done<SMTPServerAuthenticationResponse>): void;
  onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, cb: Done): void;
  onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, cb: Done): void;
  onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: Done<string>): void;
  onClose(session: SMTPServerSession): void;
}

/** `local@domain` as the envelope carries it, or null for a malformed one. */
function checkedAddress(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  return envelopeAddress(address.slice(0, at), address.slice(at + 1)) === null ? null : address;
}

export function createSubmissionHooks(deps: SubmissionDeps): SubmissionHooks {
  const conns = new Map<string, ConnState>();
  const state = (s: SMTPServerSession): ConnState => {
    let c = conns.get(s.id);
    if (!c) {
      c = { kind: 'anonymous', authFailures: 0 };
      conns.set(s.id, c);
    }
    return c;
  };
  const authed = (s: SMTPServerSession) => {
    const c = state(s);
    if (c.kind !== 'authenticated') throw new SubmissionError('temporary', 'not authenticated');
    return c;
  };
  /** The address must be the user's own or one the user may send as. */
  const mayUse = async (username: string, address: string) =>
    (await deps.directory.mayUseAddress(username, address)).ok;

  return {
    onAuth(auth, session, cb) {
      const log = deps.log.child({ cid: session.id });
      void (async () => {
        const c = state(session);
        if (c.kind === 'authenticated') return cb(new SubmissionError('temporary', 'already authenticated'));
        const username = auth.username ?? '';
        const password = auth.password ?? '';
        try {
          const userSession = await userLogon(deps.link.client, username, password);
          const info = (await userSession.call('getSessionInfo', {})).info;
          conns.set(session.id, { kind: 'authenticated', username: info.username ?? username, session: userSession });
          log.info({ user: info.username, method: auth.method }, 'submission: authenticated');
          cb(null, { user: info.username ?? username });
        } catch (e) {
          if (e instanceof KcError && e.code === 'KCERR_LOGON_FAILED') {
            c.authFailures++;
            deps.metrics.submission('auth-failed');
            log.info({ user: username, failures: c.authFailures }, 'submission: authentication failed');
            cb(new SubmissionError(c.authFailures >= SUBMISSION_MAX_AUTH_FAILURES ? 'auth-too-many' : 'auth-failed'));
            return;
          }
          log.warn({ err: e instanceof Error ? e.message : String(e) }, 'submission: logon failed (server)');
          cb(new SubmissionError('auth-temporary'));
        }
      })();
    },

    onMailFrom(address, session, cb) {
      void (async () => {
        try {
          const c = authed(session);
          const from = checkedAddress(address.address);
          if (from === null || !(await mayUse(c.username, from))) {
            deps.metrics.submission('refused-sender');
            throw new SubmissionError('sender-refused');
          }
          const declared = Number(address.args && typeof address.args === 'object' ? address.args.SIZE : 0);
          if (declared > deps.maxMessageSize) throw new SubmissionError('too-big');
          cb();
        } catch (e) {
          cb(fromServerError(e));
        }
      })();
    },

    onRcptTo(address, _session, cb) {
      cb(checkedAddress(address.address) === null ? new SubmissionError('bad-recipient') : null);
    },

    onData(stream, session, cb) {
      const log = deps.log.child({ cid: session.id });
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= deps.maxMessageSize) chunks.push(chunk);
      });
      stream.once('error', (err) => cb(fromServerError(err)));
      stream.once('end', () => {
        void (async () => {
          try {
            if (stream.sizeExceeded || size > deps.maxMessageSize) {
              deps.metrics.submission('too-big');
              throw new SubmissionError('too-big');
            }
            const c = authed(session);
            const raw = Buffer.concat(chunks);
            const header = parseHeader(raw);
            const froms = mailboxesOf(fieldValues(header, 'from'));
            if (froms.length === 0) throw new SubmissionError('no-from');
            for (const f of [...froms, ...mailboxesOf(fieldValues(header, 'sender'))]) {
              if (!(await mayUse(c.username, f))) {
                deps.metrics.submission('refused-sender');
                throw new SubmissionError('from-refused', f);
              }
            }
            const add: string[] = [];
            if (!hasField(header, 'date')) add.push(`Date: ${rfc5322Date(new Date())}`);
            if (!hasField(header, 'message-id')) {
              const id = createHash('sha256').update(raw).update(session.id).update(String(Date.now())).digest('hex');
              add.push(`Message-ID: <${id.slice(0, 32)}@${deps.hostname}>`);
            }
            const stored = add.length > 0 ? rewriteHeader(raw, header, { drop: [], add }) : raw;
            const envelope = session.envelope;
            const mailFrom = envelope.mailFrom === false ? '' : envelope.mailFrom.address;
            const r = await c.session.call('submitRawMessage', {
              raw: stored,
              envelopeFrom: mailFrom,
              envelopeTo: envelope.rcptTo.map((a) => a.address),
            });
            deps.metrics.submission('accepted');
            log.info(
              { user: c.username, queueId: r.queueId, rcpts: envelope.rcptTo.length, size: stored.length },
              'submission: queued',
            );
            cb(null, `2.0.0 Ok: queued as ${r.queueId}`);
          } catch (e) {
            const err = fromServerError(e);
            if (err.kind === 'over-quota') deps.metrics.submission('over-quota');
            if (err.kind === 'temporary') {
              deps.metrics.submission('temporary');
              log.warn({ err: e instanceof Error ? e.message : String(e) }, 'submission: not queued');
            }
            cb(err);
          }
        })();
      });
    },

    onClose(session) {
      const c = conns.get(session.id);
      conns.delete(session.id);
      if (c?.kind === 'authenticated') c.session.logoff().catch(() => undefined);
    },
  };
}
