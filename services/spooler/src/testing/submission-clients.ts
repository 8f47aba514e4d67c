/**
 * Submission clients for the tests: nodemailer's SMTP transport, Python's smtplib (a second,
 * independent implementation), and a raw socket for transcripts.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import nodemailer from 'nodemailer';

export interface SubmitOptions {
  port: number;
  user: string;
  password: string;
  from: string;
  to: string[];
  raw: Buffer;
  /** The listener's certificate (STARTTLS required); without it, no TLS. */
  ca?: Buffer;
  method?: 'PLAIN' | 'LOGIN';
}

export type NodemailerOutcome =
  | { ok: true; response: string; accepted: string[] }
  | { ok: false; code: number; response: string; errCode: string };

export async function submitNodemailer(o: SubmitOptions): Promise<NodemailerOutcome> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: o.port,
    name: 'client.test',
    ...(o.ca ? { requireTLS: true, tls: { ca: o.ca } } : { ignoreTLS: true }),
    auth: { user: o.user, pass: o.password, ...(o.method ? { method: o.method } : {}) },
    ...(o.method ? { authMethod: o.method } : {}),
  });
  try {
    const info = await transport.sendMail({ envelope: { from: o.from, to: o.to }, raw: o.raw });
    return { ok: true, response: info.response, accepted: info.accepted.map(String) };
  } catch (e) {
    const err = e as { responseCode?: number; response?: string; code?: string; message?: string };
    return {
      ok: false,
      code: err.responseCode ?? 0,
      response: err.response ?? err.message ?? '',
      errCode: err.code ?? '',
    };
  } finally {
    transport.close();
  }
}

export type Reply = [number, string];

export interface PythonOutcome {
  ehlo?: Reply;
  starttls?: Reply;
  login?: Reply;
  mail?: Reply;
  rcpt?: Reply[];
  data?: Reply;
  error?: string;
}

const PYTHON = `
import base64, json, smtplib, ssl, sys
req = json.load(sys.stdin)
out = {}
def dec(r): return [r[0], r[1].decode("utf-8", "replace")]
try:
    c = smtplib.SMTP("127.0.0.1", req["port"], local_hostname="py.test", timeout=60)
    out["ehlo"] = dec(c.ehlo())
    if req.get("cafile"):
        ctx = ssl.create_default_context(cafile=req["cafile"])
        out["starttls"] = dec(c.starttls(context=ctx))
        c.ehlo()
    try:
        if req.get("method"):
            c.user, c.password = req["user"], req["password"]
            out["login"] = dec(c.auth(req["method"], getattr(c, "auth_" + req["method"].lower()), initial_response_ok=False))
        else:
            out["login"] = dec(c.login(req["user"], req["password"]))
    except smtplib.SMTPAuthenticationError as e:
        out["login"] = [e.smtp_code, e.smtp_error.decode("utf-8", "replace")]
        json.dump(out, sys.stdout)
        sys.exit(0)
    msg = base64.b64decode(req["message"])
    out["mail"] = dec(c.mail(req["from"], ["SIZE=%d" % len(msg)]))
    if out["mail"][0] == 250:
        out["rcpt"] = [dec(c.rcpt(r)) for r in req["rcpts"]]
        out["data"] = dec(c.data(msg))
    c.quit()
except Exception as e:
    out["error"] = "%s: %s" % (type(e).__name__, e)
json.dump(out, sys.stdout)
`;

/** `cafile`: the listener's certificate file (STARTTLS); `method`: force AUTH LOGIN or PLAIN. */
export function submitPython(o: Omit<SubmitOptions, 'ca'> & { cafile?: string }): Promise<PythonOutcome> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', PYTHON], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python3 failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as PythonOutcome);
    });
    child.stdin?.end(
      JSON.stringify({
        port: o.port,
        user: o.user,
        password: o.password,
        from: o.from,
        rcpts: o.to,
        message: o.raw.toString('base64'),
        ...(o.cafile ? { cafile: o.cafile } : {}),
        ...(o.method ? { method: o.method } : {}),
      }),
    );
  });
}

/** A raw SMTP conversation: write lines, read whole replies (multi-line joined); `starttls()` upgrades. */
export class RawSmtp {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
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

  static connect(port: number): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawSmtp(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next complete reply (all its lines). */
  async reply(): Promise<string> {
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        return m[0].trimEnd();
      }
      if (this.closed) return '';
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`, 'latin1');
    return this.reply();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** STARTTLS already answered 220: wrap the socket. */
  async upgrade(ca: Buffer): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, ca, servername: undefined, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}
