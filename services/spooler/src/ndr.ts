/**
 * Non-delivery reports: RFC 3464 delivery-status inside an RFC 6522 multipart/report, with the
 * original message attached (or only its header when large), as KGC's spooler puts an NDR into
 * the sender's Inbox: one per failure, listing each failed recipient and what the relay replied.
 */
import { createHash } from 'node:crypto';
import { NDR_MAX_ORIGINAL } from './limits.js';

export interface FailedRecipient {
  rcpt: string;
  /** SMTP code, 0 when there was no SMTP reply (a refusal by the spooler itself). */
  code: number;
  /** The reply or reason, one line. */
  text: string;
}

export interface NdrInput {
  /** Reporting host (Reporting-MTA, the MAILER-DAEMON address, Message-ID). */
  hostname: string;
  /** The sender, who receives the report. */
  to: string;
  /** The relay that refused (Remote-MTA); absent when the spooler refused by itself. */
  remoteMta?: string;
  arrival: Date;
  now: Date;
  failed: readonly FailedRecipient[];
  original: Buffer;
  /** The original's header block (bytes up to the empty line). */
  originalHeader: Buffer;
  /** The original Subject value as stored (may be encoded words). */
  originalSubject?: string;
  /** For a stable Message-ID: the same report for the same failure is the same message. */
  key: string;
}

const ENHANCED = /^\s*(?:\d{3}[ -])?([245]\.\d{1,3}\.\d{1,3})\b/;

/** The RFC 3463 status of a failure: the relay's enhanced code when it gave one, else from the basic code. */
export function statusOf(f: FailedRecipient): string {
  const m = ENHANCED.exec(f.text);
  if (m?.[1]) return m[1];
  if (f.code >= 500 && f.code < 600) return '5.0.0';
  if (f.code >= 400 && f.code < 500) return '4.0.0';
  return '5.0.0';
}

/** A header-safe line: no CR/LF/NUL, at most `max` characters. */
const safe = (s: string, max = 900) => s.replace(/[\r\n\0]+/g, ' ').slice(0, max);

/** A long line folded at spaces (RFC 5322 recommends 78, allows 998). */
function fold(line: string): string {
  if (line.length <= 78) return line;
  const out: string[] = [];
  let rest = line;
  while (rest.length > 78) {
    const cut = rest.lastIndexOf(' ', 78);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out.join('\r\n');
}

function rfc5322(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

/** The NDR as raw RFC 5322 bytes (CRLF). */
export function buildNdr(n: NdrInput): Buffer {
  const hash = createHash('sha256').update(n.key).digest('hex');
  // From the original's bytes too: a message cannot contain a boundary made from its own hash.
  const boundary = `=_kgc-ndr-${createHash('sha256').update(n.key).update(n.original).digest('hex').slice(0, 32)}`;
  const host = safe(n.hostname, 255);
  const subject = safe(n.originalSubject ?? '', 700);
  const lines = n.failed.map((f) => `  <${safe(f.rcpt, 320)}>: ${safe(f.code ? `${f.code} ${f.text}` : f.text)}`);
  const text = [
    `This is the mail system at host ${host}.`,
    '',
    'Your message could not be delivered to one or more recipients.',
    'The relay (or the mail system) gave these reasons:',
    '',
    ...lines,
    '',
  ];
  const perRecipient = n.failed.map((f) =>
    [
      `Final-Recipient: rfc822; ${safe(f.rcpt, 320)}`,
      'Action: failed',
      `Status: ${statusOf(f)}`,
      ...(n.remoteMta && f.code ? [`Remote-MTA: dns; ${safe(n.remoteMta, 255)}`] : []),
      fold(
        f.code ? `Diagnostic-Code: smtp; ${safe(`${f.code} ${f.text}`)}` : `Diagnostic-Code: x-kgc; ${safe(f.text)}`,
      ),
    ].join('\r\n'),
  );
  const attachWhole = n.original.length <= NDR_MAX_ORIGINAL;
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${host}>`,
    `To: <${safe(n.to, 320)}>`,
    fold(`Subject: Undelivered Mail Returned to Sender${subject ? `: ${subject}` : ''}`),
    `Date: ${rfc5322(n.now)}`,
    `Message-ID: <ndr.${hash.slice(0, 32)}@${host}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
  ];
  const parts = [
    `${head.join('\r\n')}\r\n\r\nThis is a MIME-encapsulated message.\r\n`,
    `--${boundary}\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text.join('\r\n')}\r\n`,
    `--${boundary}\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n` +
      `Reporting-MTA: dns; ${host}\r\nArrival-Date: ${rfc5322(n.arrival)}\r\n\r\n${perRecipient.join('\r\n\r\n')}\r\n`,
    attachWhole
      ? `--${boundary}\r\nContent-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n\r\n`
      : `--${boundary}\r\nContent-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n`,
  ];
  const body = attachWhole ? n.original : n.originalHeader;
  const tail = `${body.length > 0 && body[body.length - 1] === 0x0a ? '' : '\r\n'}\r\n--${boundary}--\r\n`;
  return Buffer.concat([Buffer.from(parts.join(''), 'utf8'), body, Buffer.from(tail, 'utf8')]);
}
