/**
 * One claimed queue entry, from the stored message to the relay and back (KGC mailer.cpp
 * ProcessMessage): checks, envelope, header rewrite, send, then exactly one of finish (Sent
 * Items), defer (temporary failure, with backoff) or NDR + finish (permanent failure).
 *
 * Exactly once: the commit that takes the entry off the queue (or records the recipients still
 * to do) is the first call after the relay's reply. A spooler that dies between the relay's 250
 * and that commit leaves the entry to expire and be sent again by another spooler: that is the
 * only window for a duplicate, one server round trip wide.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '@kgc/log';
import type { ServerLink } from '@kgc/soap';
import { KcError, type Output } from '@kgc/soap';
import { dedupAddresses, mailboxesOf } from './addresses.js';
import type { Directory } from './directory.js';
import type { Finisher } from './finisher.js';
import { fieldValues, hasField, parseHeader, rewriteHeader, rfc5322Date } from './headers.js';
import { FINISH_RETRIES, MAX_RECIPIENTS } from './limits.js';
import type { SendResult, SpoolerMetrics } from './metrics.js';
import { buildNdr, type FailedRecipient } from './ndr.js';
import { PENDING_PROPERTY, pendingRecipients, storedEnvelope } from './properties.js';
import type { RecipientOutcome, Relay } from './relay.js';

export type QueueEntry = Output<'claimOutgoing'>['entries'][number];

export interface RetryPolicy {
  delayMs: number;
  maxDelayMs: number;
  giveUpMs: number;
}

export interface ProcessDeps {
  link: ServerLink;
  /** Takes entries off the queue (group commit). */
  finisher: Finisher;
  directory: Directory;
  relay: Relay;
  /** The lease owner (this spooler). */
  owner: string;
  hostname: string;
  retry: RetryPolicy;
  metrics: SpoolerMetrics;
  log: Logger;
  now?: () => number;
}

export interface Handled {
  result: SendResult;
  /** When deferred: the entry is due again after this long. */
  retryInMs?: number;
}

/** Backoff after the n-th failed attempt (1-based): delay, doubling, at most maxDelay. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.delayMs * 2 ** Math.max(0, attempt - 1), policy.maxDelayMs);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function processEntry(deps: ProcessDeps, entry: QueueEntry): Promise<Handled> {
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ queueId: entry.queueId, messageId: entry.messageId, user: entry.username });
  const started = now();
  let message: Output<'loadObject'>['message'];
  try {
    message = (await deps.link.call('loadObject', { messageId: entry.messageId, withRaw: true, sections: [] })).message;
  } catch (e) {
    if (e instanceof KcError && e.code === 'KCERR_NOT_FOUND') {
      log.info('message deleted before it was sent; dropped from the queue');
      return finish(deps, entry, false, 'dropped', log);
    }
    throw e;
  }
  const trash = await deps.directory.folderOfRole(message.storeId, 'trash');
  if (trash && trash.folderId === message.folderId) {
    log.info('message is in Deleted Items; not sent (KGC)');
    return finish(deps, entry, false, 'dropped', log);
  }
  const raw = message.raw ?? Buffer.alloc(0);
  const header = parseHeader(raw);
  let ownerUser: Awaited<ReturnType<Directory['user']>>;
  try {
    ownerUser = await deps.directory.user(entry.username);
  } catch (e) {
    if (e instanceof KcError && e.code === 'KCERR_NOT_FOUND') {
      log.info('the sender no longer exists; dropped from the queue');
      return finish(deps, entry, false, 'dropped', log);
    }
    throw e;
  }
  const ownerAddress = ownerUser.email ?? '';
  const stored = storedEnvelope(message.props);
  const pending = pendingRecipients(message.props);
  const add: string[] = [];
  const ndrCtx: NdrContext = { entry, raw, headerEnd: header.headerEnd, ownerAddress, subject: subjectOf(raw) };

  const rcpts = dedupAddresses(
    pending ??
      stored?.to ??
      mailboxesOf([...fieldValues(header, 'to'), ...fieldValues(header, 'cc'), ...fieldValues(header, 'bcc')]),
  );
  let from = mailboxesOf(fieldValues(header, 'from'))[0];
  if (from === undefined) {
    if (!ownerAddress) return refuse(deps, ndrCtx, rcpts, '5.6.0 the message has no From and the user no address', log);
    from = ownerAddress;
    add.push(`From: <${ownerAddress}>`);
  }
  const verdict = await deps.directory.mayUseAddress(entry.username, from);
  if (!verdict.ok) return refuse(deps, ndrCtx, rcpts, `5.7.1 ${verdict.reason}`, log);
  if (stored && stored.from !== '' && stored.from.toLowerCase() !== from.toLowerCase()) {
    const envVerdict = await deps.directory.mayUseAddress(entry.username, stored.from);
    if (!envVerdict.ok) return refuse(deps, ndrCtx, rcpts, `5.7.1 ${envVerdict.reason}`, log);
  }
  if (rcpts.length === 0) return refuse(deps, ndrCtx, [], '5.1.3 the message has no valid recipients', log);
  if (rcpts.length > MAX_RECIPIENTS)
    return refuse(deps, ndrCtx, rcpts.slice(0, MAX_RECIPIENTS), `5.5.3 more than ${MAX_RECIPIENTS} recipients`, log);

  if (!hasField(header, 'date')) add.push(`Date: ${rfc5322Date(entry.submittedAt)}`);
  if (!hasField(header, 'message-id')) {
    // Stable across retries of the entry: a receiver can recognise a duplicate.
    const id = sha256(`${entry.storeId}:${entry.messageId}:${entry.queueId}:${entry.submittedAt.getTime()}`);
    add.push(`Message-ID: <${id.slice(0, 32)}@${deps.hostname}>`);
  }
  const bytes = rewriteHeader(raw, header, { drop: ['bcc'], add });
  const envelopeFrom = stored && stored.from !== '' ? stored.from : from;

  const outcomes = await deps.relay.send({ from: envelopeFrom, to: rcpts }, bytes);
  const accepted = outcomes.filter((o) => o.result === 'accepted');
  let temporary = outcomes.filter((o) => o.result === 'temporary');
  const permanent = outcomes.filter((o) => o.result === 'permanent');
  deps.metrics.recipients('accepted', accepted.length);
  deps.metrics.recipients('temporary', temporary.length);
  deps.metrics.recipients('permanent', permanent.length);
  if (accepted.length > 0) deps.metrics.sendLatency((now() - started) / 1000);
  const sentBefore = pending !== null;

  if (temporary.length > 0 && now() - entry.submittedAt.getTime() >= deps.retry.giveUpMs) {
    permanent.push(
      ...temporary.map((o) => ({
        ...o,
        reply: { code: o.reply.code, text: `4.4.7 gave up retrying: ${o.reply.text}` },
      })),
    );
    temporary = [];
  }

  if (temporary.length === 0) {
    const sent = accepted.length > 0 || sentBefore;
    if (!sent) {
      // Nothing went out: the NDR first (idempotent), then off the queue; a crash between the two repeats nothing.
      await deliverNdr(deps, ndrCtx, permanent.map(failedOf), log);
      log.info(
        { failed: permanent.map((o) => `${o.rcpt}: ${o.reply.code} ${o.reply.text}`) },
        'relay refused the message',
      );
      return finish(deps, entry, false, 'failed', log);
    }
    const done = await finish(deps, entry, true, 'sent', log);
    log.info({ rcpts: accepted.length, failed: permanent.length, from: envelopeFrom }, 'sent');
    if (permanent.length > 0) await deliverNdr(deps, ndrCtx, permanent.map(failedOf), log);
    return done;
  }

  // Some recipients failed temporarily. When others were taken (or refused for good), only the
  // rest is retried: recorded first, before anything else can fail.
  if (accepted.length > 0 || permanent.length > 0) {
    const rest = temporary.map((o) => o.rcpt);
    await deps.link.call('setProps', {
      messageId: entry.messageId,
      props: [{ name: PENDING_PROPERTY, type: 'string', value: JSON.stringify(rest) }],
    });
  }
  if (permanent.length > 0) await deliverNdr(deps, ndrCtx, permanent.map(failedOf), log);
  const delay = backoffMs(deps.retry, entry.attempts + 1);
  try {
    await deps.link.call('deferMessage', {
      queueId: entry.queueId,
      owner: deps.owner,
      delaySeconds: Math.ceil(delay / 1000),
    });
  } catch (e) {
    if (e instanceof KcError && e.code === 'KCERR_NOT_FOUND') return leaseLost(deps, log);
    throw e;
  }
  log.warn(
    {
      attempt: entry.attempts + 1,
      retryInMs: delay,
      reasons: temporary.map((o) => `${o.rcpt}: ${o.reply.code} ${o.reply.text}`),
    },
    'temporary failure; deferred',
  );
  deps.metrics.message('deferred');
  return { result: 'deferred', retryInMs: Math.ceil(delay / 1000) * 1000 };
}

interface NdrContext {
  entry: QueueEntry;
  raw: Buffer;
  headerEnd: number;
  ownerAddress: string;
  subject: string | undefined;
}

const failedOf = (o: RecipientOutcome): FailedRecipient => ({ rcpt: o.rcpt, code: o.reply.code, text: o.reply.text });

function subjectOf(raw: Buffer): string | undefined {
  const v = fieldValues(parseHeader(raw), 'subject')[0];
  return v?.toString('utf8');
}

/**
 * Takes the entry off the queue. After the relay accepted the message (doSentMail), a failing
 * call is retried (the lease is renewed meanwhile) rather than given up: giving up would send the
 * message again.
 */
async function finish(
  deps: ProcessDeps,
  entry: QueueEntry,
  doSentMail: boolean,
  result: SendResult,
  log: Logger,
): Promise<Handled> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (!(await deps.finisher.finish(entry.queueId, doSentMail))) return leaseLost(deps, log);
      break;
    } catch (err) {
      if (!doSentMail || attempt >= FINISH_RETRIES) throw err;
      const wait = Math.min(1000 * 2 ** attempt, 30_000);
      log.warn(
        { err: err instanceof Error ? err.message : String(err), retryInMs: wait },
        'cannot finish a sent message; retrying',
      );
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  deps.metrics.message(result);
  return { result };
}

function leaseLost(deps: ProcessDeps, log: Logger): Handled {
  log.warn('the lease on this entry was lost (another spooler took it over); it may be sent twice');
  deps.metrics.message('lease-lost');
  return { result: 'lease-lost' };
}

/** A message the spooler itself will not send: NDR with the reason, off the queue. */
async function refuse(
  deps: ProcessDeps,
  ctx: NdrContext,
  rcpts: readonly string[],
  reason: string,
  log: Logger,
): Promise<Handled> {
  const failed = (rcpts.length > 0 ? rcpts : ['undisclosed-recipients']).map((rcpt) => ({
    rcpt,
    code: 0,
    text: reason,
  }));
  log.warn({ reason }, 'message refused');
  await deliverNdr(deps, ctx, failed, log);
  return finish(deps, ctx.entry, false, 'refused', log);
}

/** The NDR into the owner's Inbox; the delivery key makes a repeat (after a crash) store nothing twice. */
async function deliverNdr(deps: ProcessDeps, ctx: NdrContext, failed: readonly FailedRecipient[], log: Logger) {
  if (failed.length === 0) return;
  const { entry } = ctx;
  const key = sha256(
    `ndr:${entry.storeId}:${entry.messageId}:${entry.queueId}:${failed
      .map((f) => f.rcpt.toLowerCase())
      .sort()
      .join(',')}`,
  );
  const ndr = buildNdr({
    hostname: deps.hostname,
    to: ctx.ownerAddress || entry.username,
    ...(failed.some((f) => f.code > 0) ? { remoteMta: deps.relay.name } : {}),
    arrival: entry.submittedAt,
    now: new Date((deps.now ?? Date.now)()),
    failed,
    original: ctx.raw,
    originalHeader: ctx.raw.subarray(0, ctx.headerEnd),
    ...(ctx.subject !== undefined ? { originalSubject: ctx.subject } : {}),
    key,
  });
  const inbox = await deps.directory.folderOfRole(entry.storeId, 'inbox');
  if (!inbox) throw new KcError('KCERR_NOT_FOUND', `store ${entry.storeId} has no Inbox for the NDR`);
  const { results } = await deps.link.call('deliverMessage', {
    raw: ndr,
    targets: [{ folderId: inbox.folderId, flags: [], deliveryKey: key }],
    ignoreQuota: true,
  });
  const err = results[0]?.error;
  if (err) throw new KcError('KCERR_UNKNOWN', `NDR not delivered: ${err}`);
  log.info({ failed: failed.map((f) => f.rcpt) }, 'NDR delivered to the sender');
}
