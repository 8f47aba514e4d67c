/**
 * The LMTP session hooks (smtp-server in LMTP mode does the framing): RCPT resolves and checks
 * each recipient through the server; DATA delivers once for all accepted recipients and answers
 * one reply per recipient, in RCPT order, each 250 only after the server has committed.
 */
import { hrtime } from 'node:process';
import type { Logger } from '@kgc/log';
import type { ServerLink } from '@kgc/soap';
import type {
  SMTPServerAddress,
  SMTPServerDataResult,
  SMTPServerDataStream,
  SMTPServerEnvelope,
  SMTPServerSession,
} from 'smtp-server';
import { deliver, type Outcome } from './deliver.js';
import { type DeliveryError, fromServerError, smtpError } from './errors.js';
import type { FolderCache } from './folders.js';
import { isSpam, traceHeaders } from './headers.js';
import type { DagentMetrics } from './metrics.js';
import { QuotaChecker, type Recipient, RecipientResolver } from './recipients.js';

export interface SessionDeps {
  link: ServerLink;
  folders: FolderCache;
  metrics: DagentMetrics;
  log: Logger;
  /** Our name in the Received header. */
  hostname: string;
  recipientDelimiter: string;
  spamHeaderName: string;
  spamHeaderValue: string;
}

type Callback = (err?: Error | null) => void;
type DataCallback = (err?: Error | null, results?: SMTPServerDataResult[]) => void;

export interface LmtpHooks {
  onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback): void;
  onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: DataCallback): void;
}

/** The SIZE the client declared at MAIL FROM, if any. */
function declaredSize(envelope: SMTPServerEnvelope): number | undefined {
  const args = envelope.mailFrom ? envelope.mailFrom.args : false;
  const size = args ? args.SIZE : undefined;
  return typeof size === 'string' && /^\d{1,15}$/.test(size) ? Number(size) : undefined;
}

/** What the session's DATA stream yields: the bytes, or why there are none. */
function readData(stream: SMTPServerDataStream): Promise<Buffer | 'too-big' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      if (stream.sizeExceeded) return;
      chunks.push(chunk);
      length += chunk.length;
    });
    stream.once('error', () => resolve('aborted'));
    stream.once('end', () => resolve(stream.sizeExceeded ? 'too-big' : Buffer.concat(chunks, length)));
  });
}

export function createLmtpHooks(deps: SessionDeps): LmtpHooks {
  // Recipients resolved at RCPT, per transaction (smtp-server makes a new envelope for each).
  const accepted = new WeakMap<SMTPServerEnvelope, Map<string, Recipient>>();
  const { log, metrics } = deps;
  const resolver = new RecipientResolver(deps.link, deps.recipientDelimiter);
  const quota = new QuotaChecker(deps.link);

  const refuse = (err: DeliveryError, address: string, session: SMTPServerSession, callback: Callback) => {
    metrics.recipient(err.kind);
    log.info({ cid: session.id, rcpt: address, result: err.kind, reason: err.message }, 'recipient refused');
    callback(smtpError(err.kind, address));
  };

  return {
    onRcptTo(address, session, callback) {
      const envelope = session.envelope;
      const size = declaredSize(envelope);
      resolver
        .resolve(address.address)
        .then(async (r) => {
          if (size !== undefined) await quota.check(r, size);
          return r;
        })
        .then(
          (r) => {
            let map = accepted.get(envelope);
            if (!map) {
              map = new Map();
              accepted.set(envelope, map);
            }
            map.set(address.address.toLowerCase(), r);
            callback();
          },
          (e: unknown) => refuse(fromServerError(e), address.address, session, callback),
        );
    },

    onData(stream, session, callback) {
      const envelope = session.envelope;
      const rcpts = envelope.rcptTo.map((a) => a.address);
      let answered = false;
      const answer: DataCallback = (err, results) => {
        if (answered) return;
        answered = true;
        callback(err, results);
      };
      readData(stream)
        .then(async (data) => {
          const started = hrtime.bigint();
          if (data === 'aborted') {
            log.info({ cid: session.id }, 'client went away during DATA: nothing stored');
            answer(new Error('aborted'));
            return;
          }
          if (data === 'too-big') {
            for (const _ of rcpts) metrics.recipient('too-big');
            log.info({ cid: session.id, bytes: stream.byteLength }, 'message over lmtp_max_messagesize');
            answer(smtpError('too-big'));
            return;
          }
          metrics.received(data.length);
          const map = accepted.get(envelope);
          const recipients = rcpts.map((a) => map?.get(a.toLowerCase()));
          const known = recipients.filter((r): r is Recipient => r !== undefined);
          const sender = envelope.mailFrom ? envelope.mailFrom.address : '';
          const trace = traceHeaders({
            sender,
            helo: session.hostNameAppearsAs,
            clientHost: session.clientHostname,
            clientAddress: session.remoteAddress,
            by: deps.hostname,
            protocol: session.secure ? 'LMTPS' : 'LMTP',
            id: `${session.id}.${session.transaction}`,
            ...(rcpts.length === 1 ? { for: rcpts[0] } : {}),
            date: new Date(),
          });
          const junk = isSpam(data, deps.spamHeaderName, deps.spamHeaderValue);
          let outcomes: Outcome[];
          try {
            outcomes = await deliver(deps, {
              message: Buffer.concat([trace, data]),
              received: data,
              recipients: known,
              junk,
            });
          } catch (e) {
            const error = fromServerError(e);
            outcomes = known.map(() => ({ ok: false, error }));
          }
          const byAddress = new Map(known.map((r, i) => [r.address.toLowerCase(), outcomes[i]]));
          const replies = rcpts.map((address): SMTPServerDataResult => {
            const o = byAddress.get(address.toLowerCase());
            if (o?.ok) {
              metrics.recipient('delivered');
              return `2.1.5 <${address}> Delivered`;
            }
            const kind = o ? o.error.kind : 'temporary';
            metrics.recipient(kind);
            return smtpError(kind, address);
          });
          metrics.latency(Number(hrtime.bigint() - started) / 1e9);
          log.info(
            {
              cid: session.id,
              from: sender,
              bytes: data.length,
              junk,
              ms: Number((hrtime.bigint() - started) / 1_000_000n),
              rcpts: rcpts.map((address) => {
                const o = byAddress.get(address.toLowerCase());
                return o?.ok
                  ? { rcpt: address, messageId: o.messageId }
                  : { rcpt: address, result: o ? o.error.kind : 'temporary', reason: o?.error.message };
              }),
            },
            'delivery',
          );
          answer(null, replies);
        })
        .catch((err: unknown) => {
          // A bug must not leave the client waiting: every recipient is told to retry.
          log.error({ cid: session.id, err }, 'delivery failed unexpectedly');
          answer(smtpError('temporary'));
        });
    },
  };
}
