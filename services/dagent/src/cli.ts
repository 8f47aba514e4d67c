/**
 * CLI mode, as KGC's `kopano-dagent RECIPIENT... < message` for MTAs that pipe: one message from
 * stdin (or -f FILE) to the recipients, the same resolution and delivery as LMTP. Exit codes
 * (sysexits): 0 delivered to all, 75 temporary (the MTA retries; a retry stores nothing twice),
 * 67 unknown or ambiguous recipient, 73 over quota, 65 message too big, 64 usage.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import type { Readable } from 'node:stream';
import type { Logger } from '@kgc/log';
import { ServerLink } from '@kgc/soap';
import type { DagentConfig } from './config.js';
import { deliver, type Outcome } from './deliver.js';
import { DeliveryError, EXIT, exitCodeOf, type FailureKind, fromServerError, smtpReply } from './errors.js';
import { FolderCache } from './folders.js';
import { isSpam, traceHeaders } from './headers.js';
import { checkQuota, type Recipient, resolveRecipient } from './recipients.js';

export const CLI_USAGE =
  'usage: kgc-dagent [-c dagent.cfg] [-j] [-f FILE] RECIPIENT...   deliver one message (stdin or FILE)\n' +
  '       kgc-dagent [-c dagent.cfg] -l                            run the LMTP daemon\n';

export interface CliArgs {
  recipients: string[];
  file?: string;
  junk: boolean;
}

/** CLI-mode arguments (after the shared -c/--dump-config); a string is a usage error. */
export function parseCliArgs(rest: readonly string[]): CliArgs | string {
  const out: CliArgs = { recipients: [], junk: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '-f' || a === '--file') {
      const f = rest[++i];
      if (!f) return `${a} needs a file name`;
      out.file = f;
    } else if (a === '-j' || a === '--junk') out.junk = true;
    else if (a.startsWith('-') && a.length > 1) return `unknown option ${a}`;
    else out.recipients.push(a);
  }
  if (out.recipients.length === 0) return 'no recipient';
  return out;
}

export class MessageTooBig extends Error {}

async function readAll(input: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of input) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    length += b.length;
    if (length > max) throw new MessageTooBig(`message larger than ${max} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks, length);
}

/** The exit code of a set of per-recipient results: temporary wins (the MTA retries them all). */
export function exitCodeFor(kinds: readonly (FailureKind | 'delivered')[]): number {
  const codes = kinds.map((k) => (k === 'delivered' ? EXIT.ok : exitCodeOf(k)));
  for (const code of [EXIT.tempFail, EXIT.noUser, EXIT.cantCreate, EXIT.dataErr]) if (codes.includes(code)) return code;
  return EXIT.ok;
}

export interface CliIo {
  stdin: Readable;
  /** Where the per-recipient result lines go (the MTA puts them into a bounce). */
  report(line: string): void;
}

export async function runCli(config: DagentConfig, args: CliArgs, io: CliIo, log: Logger): Promise<number> {
  let data: Buffer;
  try {
    data = await readAll(args.file ? createReadStream(args.file) : io.stdin, config.lmtp_max_messagesize);
  } catch (e) {
    io.report(`kgc-dagent: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof MessageTooBig ? EXIT.dataErr : EXIT.tempFail;
  }
  const link = ServerLink.fromConfig(config, log);
  try {
    const resolved = await Promise.all(
      args.recipients.map(async (address): Promise<Recipient | DeliveryError> => {
        try {
          const r = await resolveRecipient(link, address, config.recipient_delimiter);
          await checkQuota(link, r, data.length);
          return r;
        } catch (e) {
          return fromServerError(e, 'temporary');
        }
      }),
    );
    const recipients = resolved.filter((r): r is Recipient => !(r instanceof DeliveryError));
    const outcomes = new Map<string, Outcome>();
    if (recipients.length > 0) {
      const trace = traceHeaders({
        by: config.lmtp_hostname || osHostname(),
        protocol: 'local',
        id: randomBytes(8).toString('hex'),
        ...(args.recipients.length === 1 ? { for: args.recipients[0] } : {}),
        date: new Date(),
      });
      const junk = args.junk || isSpam(data, config.spam_header_name, config.spam_header_value);
      let results: Outcome[];
      try {
        results = await deliver(
          { link, folders: new FolderCache(link) },
          { message: Buffer.concat([trace, data]), received: data, recipients, junk },
        );
      } catch (e) {
        const error = fromServerError(e);
        results = recipients.map(() => ({ ok: false, error }));
      }
      recipients.forEach((r, i) => {
        const o = results[i];
        if (o) outcomes.set(r.address, o);
      });
    }
    const kinds = args.recipients.map((address, i) => {
      const failed = resolved[i];
      const o: Outcome =
        failed instanceof DeliveryError
          ? { ok: false, error: failed }
          : (outcomes.get(address) ?? { ok: false, error: new DeliveryError('temporary') });
      if (o.ok) {
        io.report(`kgc-dagent: <${address}>: delivered`);
        return 'delivered' as const;
      }
      const reply = smtpReply(o.error.kind, address);
      io.report(`kgc-dagent: ${reply.enhanced} ${reply.text}`);
      log.debug({ rcpt: address, result: o.error.kind, reason: o.error.message }, 'recipient not delivered');
      return o.error.kind;
    });
    return exitCodeFor(kinds);
  } finally {
    link.close();
  }
}
