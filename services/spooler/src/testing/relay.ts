/**
 * The relay the spooler tests send to: a real smtp-server on 127.0.0.1:0 that records every
 * envelope and message it accepts. A policy decides per recipient (250 / 4xx / 5xx) and for the
 * whole message; `down()` closes the port (connection refused) until `up()`.
 */
import { once } from 'node:events';
import { SMTPServer } from 'smtp-server';

export interface Received {
  /** The client's EHLO name (which spooler sent it). */
  helo: string;
  /** When the end of DATA was taken (performance.now()). */
  at: number;
  from: string;
  to: string[];
  raw: Buffer;
}

export interface RelayPolicy {
  /** The reply to a recipient: [code, text] to refuse it, null to take it. */
  rcpt?(address: string): [number, string] | null;
  /** The reply at the end of DATA: [code, text] to refuse the message, null to take it. */
  data?(raw: Buffer): [number, string] | null;
  /** Milliseconds to wait before replying at the end of DATA (a slow relay). */
  dataDelayMs?: number;
}

export interface TestRelay {
  port: number;
  received: Received[];
  policy: RelayPolicy;
  /** Resolves once `n` messages (in all) have been received. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface TestRelayOptions {
  /** AUTH PLAIN/LOGIN required with these credentials. */
  auth?: { user: string; pass: string };
  /** STARTTLS offered with this key and certificate (implicit TLS with `secure`). */
  tls?: { key: Buffer; cert: Buffer; secure?: boolean };
}

export async function startTestRelay(opts: TestRelayOptions = {}): Promise<TestRelay> {
  const received: Received[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const relay: TestRelay = {
    port: 0,
    received,
    policy: {},
    async waitFor(n, timeoutMs = 20_000) {
      if (received.length < n) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`relay got ${received.length} of ${n} messages`)), timeoutMs);
          waiters.push({
            n,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
      }
      return received;
    },
    down: async () => undefined,
    up: async () => undefined,
    close: async () => undefined,
  };
  const make = () => {
    const s = new SMTPServer({
      name: 'relay.test',
      disabledCommands: opts.tls ? [] : ['STARTTLS'],
      ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert, secure: opts.tls.secure === true } : {}),
      authOptional: opts.auth === undefined,
      ...(opts.auth ? { authMethods: ['PLAIN', 'LOGIN'] } : {}),
      disableReverseLookup: true,
      logger: false,
      onAuth(auth, _session, cb) {
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass)
          cb(null, { user: auth.username });
        else cb(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
      },
      onRcptTo(address, _session, cb) {
        const r = relay.policy.rcpt?.(address.address);
        cb(r ? Object.assign(new Error(r[1]), { responseCode: r[0] }) : null);
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          if (relay.policy.dataDelayMs) await new Promise((r) => setTimeout(r, relay.policy.dataDelayMs));
          const raw = Buffer.concat(chunks);
          const r = relay.policy.data?.(raw);
          if (r) {
            cb(Object.assign(new Error(r[1]), { responseCode: r[0] }));
            return;
          }
          const env = session.envelope;
          received.push({
            helo: session.hostNameAppearsAs,
            at: performance.now(),
            from: env.mailFrom === false ? '' : env.mailFrom.address,
            to: env.rcptTo.map((a) => a.address),
            raw,
          });
          for (const w of waiters.filter((x) => received.length >= x.n)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
          cb();
        });
      },
    });
    // A client that dies mid-session (a SIGKILLed spooler) resets its socket: smtp-server emits
    // that as an error, which a real MTA logs and a test relay ignores.
    s.on('error', () => {});
    return s;
  };
  let server = make();
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const a = server.server.address();
  relay.port = typeof a === 'object' && a ? a.port : 0;
  const closeServer = (s: SMTPServer) => new Promise<void>((r) => s.close(() => r()));
  let isUp = true;
  relay.down = async () => {
    if (!isUp) return;
    isUp = false;
    // Cut pooled client connections too, so the next send meets a closed port.
    for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections) c.close();
    await closeServer(server);
  };
  relay.up = async () => {
    if (isUp) return;
    server = make();
    server.listen(relay.port, '127.0.0.1');
    await once(server.server, 'listening');
    isUp = true;
  };
  relay.close = async () => {
    if (isUp) await relay.down();
  };
  return relay;
}
