/**
 * LMTP clients for the tests: nodemailer's LMTP transport, Python's smtplib.LMTP (as a second,
 * independent implementation), and a raw socket for transcripts of hostile input.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import nodemailer from 'nodemailer';

export interface NodemailerResult {
  accepted: string[];
  rejected: string[];
  /** Reply text per rejected recipient. */
  errors: Map<string, string>;
}

/** One transaction with nodemailer's LMTP transport (raw bytes, explicit envelope). */
export async function sendNodemailer(
  port: number,
  envelope: { from: string; to: string[] },
  raw: Buffer,
  tls?: { ca: Buffer },
): Promise<NodemailerResult> {
  const transport = nodemailer.createTransport({
    lmtp: true,
    host: '127.0.0.1',
    port,
    name: 'mta.test',
    ...(tls ? { requireTLS: true, tls: { ca: tls.ca } } : { ignoreTLS: true }),
  });
  try {
    const info = await transport.sendMail({ envelope, raw });
    const errors = new Map<string, string>();
    const rejectedErrors = (info as { rejectedErrors?: Array<{ recipient?: string; response?: string }> })
      .rejectedErrors;
    for (const e of rejectedErrors ?? []) if (e.recipient) errors.set(e.recipient, e.response ?? '');
    return {
      accepted: (info.accepted as string[]).map(String),
      rejected: (info.rejected as string[]).map(String),
      errors,
    };
  } finally {
    transport.close();
  }
}

export type Reply = [number, string];

export interface PythonResult {
  lhlo: Reply;
  mail: Reply;
  rcpt: Reply[];
  /** One reply per accepted recipient, in RCPT order. */
  data: Reply[];
  error?: string;
}

/**
 * smtplib.LMTP's sendmail reads one DATA reply; LMTP has one per accepted recipient, so this
 * drives the steps itself and reads them all. SIZE is declared (as sendmail does) unless told not to.
 */
const PYTHON = `
import base64, json, smtplib, sys
req = json.load(sys.stdin)
out = {"rcpt": [], "data": []}
def dec(r): return [r[0], r[1].decode("utf-8", "replace")]
try:
    if req.get("path"):
        c = smtplib.LMTP(req["path"], local_hostname="py.test", timeout=120)
    else:
        c = smtplib.LMTP("127.0.0.1", req["port"], local_hostname="py.test", timeout=120)
    out["lhlo"] = dec(c.ehlo())
    msg = base64.b64decode(req["message"])
    opts = ["SIZE=%d" % len(msg)] if req.get("size", True) else []
    out["mail"] = dec(c.mail(req["from"], opts))
    ok = 0
    for r in req["rcpts"]:
        rep = c.rcpt(r)
        out["rcpt"].append(dec(rep))
        if rep[0] in (250, 251): ok += 1
    if ok:
        out["data"].append(dec(c.data(msg)))
        for _ in range(ok - 1):
            out["data"].append(dec(c.getreply()))
    c.quit()
except Exception as e:
    out["error"] = "%s: %s" % (type(e).__name__, e)
json.dump(out, sys.stdout)
`;

/** `target`: the LMTP port on 127.0.0.1, or a unix socket path. */
export function sendPython(
  target: number | string,
  from: string,
  rcpts: string[],
  message: Buffer,
  opts: { size?: boolean } = {},
): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', PYTHON], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python3 failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as PythonResult);
    });
    child.stdin?.end(
      JSON.stringify({
        ...(typeof target === 'string' ? { path: target } : { port: target }),
        from,
        rcpts,
        message: message.toString('base64'),
        size: opts.size !== false,
      }),
    );
  });
}

/** A raw LMTP conversation: write lines, read whole replies (multi-line joined). */
export class RawLmtp {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawLmtp> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawLmtp(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next complete reply (`250-...` lines up to `250 ...`), or null once the server closed. */
  async reply(timeoutMs = 10_000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        return m[0].trimEnd();
      }
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms; have: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Writes a command line and returns its reply. */
  async command(line: string): Promise<string | null> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Dot-stuffing and the end marker of DATA (RFC 5321 4.5.2); the message must end with CRLF. */
export function dataBlock(raw: Buffer): Buffer {
  const stuffed = raw.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.concat([Buffer.from(stuffed, 'latin1'), Buffer.from('.\r\n')]);
}

/**
 * One pipelined LMTP transaction on an open connection (after LHLO): MAIL, the RCPTs and DATA in
 * one write, then the message. The reply code per recipient: its RCPT refusal, or its DATA reply.
 * `declareSize`: MAIL FROM carries SIZE= (RFC 1870), as Postfix's LMTP client sends it.
 */
export async function lmtpTransaction(
  c: RawLmtp,
  from: string,
  rcpts: string[],
  raw: Buffer,
  declareSize = false,
): Promise<number[]> {
  const size = declareSize ? ` SIZE=${raw.length}` : '';
  c.write(`MAIL FROM:<${from}>${size}\r\n${rcpts.map((r) => `RCPT TO:<${r}>\r\n`).join('')}DATA\r\n`);
  const code = (r: string | null) => {
    if (r === null) throw new Error('connection closed');
    return Number(r.slice(0, 3));
  };
  const mail = code(await c.reply(60_000));
  const codes = [];
  for (const _ of rcpts) codes.push(code(await c.reply(60_000)));
  const data = code(await c.reply(60_000));
  if (mail !== 250 || data !== 354) {
    // No transaction took place: reset the envelope, as an MTA does.
    code(await c.command('RSET'));
    return mail !== 250 ? rcpts.map(() => mail) : codes;
  }
  c.write(dataBlock(raw));
  for (let i = 0; i < codes.length; i++) if (codes[i] === 250) codes[i] = code(await c.reply(60_000));
  return codes;
}
