/**
 * The connection to the relay: nodemailer's pooled SMTP transport (max_threads connections,
 * optional STARTTLS / implicit TLS and AUTH), and the one place that turns what the relay said
 * into a per-recipient outcome: accepted, temporary (4xx, connection trouble) or permanent (5xx).
 */
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { SpoolerConfig } from './config.js';
import { MAX_REPLY_TEXT } from './limits.js';

export interface RelayReply {
  /** The SMTP code, 0 when the relay said nothing (connection refused, timeout, TLS). */
  code: number;
  /** What the relay said (or the local error), one line. */
  text: string;
}

export interface RecipientOutcome {
  rcpt: string;
  result: 'accepted' | 'temporary' | 'permanent';
  reply: RelayReply;
}

export interface Relay {
  /** One message to the relay; never rejects: every recipient gets an outcome. */
  send(envelope: { from: string; to: readonly string[] }, raw: Buffer): Promise<RecipientOutcome[]>;
  /** host:port, for NDRs (Remote-MTA) and logs. */
  readonly name: string;
  close(): void;
}

type SmtpFailure = Error & {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  recipient?: string;
  rejectedErrors?: SmtpFailure[];
};

const oneLine = (s: string) =>
  s
    .replace(/[\r\n]+/g, ' ')
    .trim()
    .slice(0, MAX_REPLY_TEXT);

function replyOf(e: SmtpFailure): RelayReply {
  const code = typeof e.responseCode === 'number' ? e.responseCode : 0;
  // nodemailer's `response` is the whole reply line, code included; the text is what follows it.
  return { code, text: oneLine(e.response ?? e.message).replace(/^\d{3}[ -]/, '') };
}

/**
 * Permanent only when the relay answered 5xx to the message (MAIL FROM, RCPT TO, DATA, the end of
 * data). Anything else, AUTH and TLS failures included, is ours or the network's: retried, never bounced.
 */
function resultOf(e: SmtpFailure): 'temporary' | 'permanent' {
  const code = e.responseCode ?? 0;
  const aboutMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  return aboutMessage && code >= 500 && code < 600 ? 'permanent' : 'temporary';
}

/** Per-recipient outcomes of a send that succeeded (some recipients may have been refused). */
export function outcomesOfInfo(
  to: readonly string[],
  info: { accepted: unknown[]; rejectedErrors?: SmtpFailure[] | undefined; response?: string },
): RecipientOutcome[] {
  const rejected = new Map((info.rejectedErrors ?? []).map((e) => [String(e.recipient ?? ''), e]));
  const accepted = new Set(info.accepted.map(String));
  return to.map((rcpt) => {
    const e = rejected.get(rcpt);
    if (e) return { rcpt, result: resultOf(e), reply: replyOf(e) };
    if (accepted.has(rcpt))
      return { rcpt, result: 'accepted', reply: { code: 250, text: oneLine(info.response ?? '') } };
    return { rcpt, result: 'temporary', reply: { code: 0, text: 'no reply for this recipient' } };
  });
}

/** Per-recipient outcomes of a send that failed as a whole (or with every recipient refused). */
export function outcomesOfError(to: readonly string[], err: unknown): RecipientOutcome[] {
  const e: SmtpFailure = err instanceof Error ? (err as SmtpFailure) : new Error(String(err));
  const perRcpt = new Map((e.rejectedErrors ?? []).map((r) => [String(r.recipient ?? ''), r]));
  return to.map((rcpt) => {
    const r = perRcpt.get(rcpt) ?? e;
    return { rcpt, result: resultOf(r), reply: replyOf(r) };
  });
}

export function createRelay(config: SpoolerConfig, heloName: string): Relay {
  const password = config.smtp_password_file
    ? readFileSync(config.smtp_password_file, 'utf8').trim()
    : config.smtp_password;
  const tls = {
    rejectUnauthorized: config.smtp_tls_verify,
    minVersion: 'TLSv1.2' as const,
    ...(config.smtp_tls_ca_file ? { ca: readFileSync(config.smtp_tls_ca_file) } : {}),
  };
  const transport = nodemailer.createTransport({
    pool: true,
    host: config.smtp_server,
    port: config.smtp_port,
    name: heloName,
    secure: config.smtp_tls === 'tls',
    requireTLS: config.smtp_tls === 'starttls',
    ignoreTLS: config.smtp_tls === 'none',
    tls,
    ...(config.smtp_username ? { auth: { user: config.smtp_username, pass: password } } : {}),
    maxConnections: config.max_threads,
    maxMessages: 1000,
    // A message whose connection closed mid-send may have reached the relay: never resent by the
    // pool on its own. The spooler decides (temporary failure, retry after the backoff).
    maxRequeues: 0,
    idleTimeout: 30_000,
    connectionTimeout: config.smtp_timeout,
    greetingTimeout: config.smtp_timeout,
    socketTimeout: config.smtp_timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    name: `${config.smtp_server}:${config.smtp_port}`,
    async send(envelope, raw) {
      const to = [...envelope.to];
      try {
        const info = await transport.sendMail({ envelope: { from: envelope.from, to }, raw });
        return outcomesOfInfo(to, info as unknown as Parameters<typeof outcomesOfInfo>[1]);
      } catch (err) {
        return outcomesOfError(to, err);
      }
    },
    close: () => transport.close(),
  };
}
