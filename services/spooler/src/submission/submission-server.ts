/**
 * The SMTP submission listeners (RFC 6409) on smtp-server: EHLO offers AUTH PLAIN LOGIN (after
 * STARTTLS unless disable_plaintext_auth = no), SIZE, 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES,
 * PIPELINING; AUTH is required before MAIL. submission_max_connections bounds all listeners together.
 */
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import type tls from 'node:tls';
import { type Logger, libraryLogger } from '@kgc/log';
import type { ServerLink } from '@kgc/soap';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import type { SpoolerConfig } from '../config.js';
import type { Directory } from '../directory.js';
import {
  SUBMISSION_CLOSE_TIMEOUT_MS,
  SUBMISSION_IDLE_TIMEOUT_MS,
  SUBMISSION_MAX_COMMAND_LINE,
  SUBMISSION_MAX_RECIPIENTS,
} from '../limits.js';
import type { SpoolerMetrics } from '../metrics.js';
import { createSubmissionHooks } from './submission-session.js';

/** A reply text that starts with its own enhanced status code (`5.7.1 ...`). */
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

/**
 * Our replies carry their own enhanced code (smtp-server would derive another one from the basic
 * code), and while AUTH needs TLS first, EHLO does not offer it before STARTTLS (RFC 4954 §4).
 */
function connectionClass(authNeedsTls: boolean) {
  return class SubmissionConnection extends SMTPConnection {
    override send(code: number, data?: string | string[] | null, context?: string | false): void {
      if (authNeedsTls && !this.secure && code === 250 && Array.isArray(data)) {
        super.send(
          code,
          data.filter((line) => !line.startsWith('AUTH ')),
          context,
        );
        return;
      }
      if (typeof data === 'string' && ENHANCED.test(data) && data[0] === String(code)[0]) {
        super.send(code, data, false);
        return;
      }
      super.send(code, data, context);
    }
  };
}

function serverClass(authNeedsTls: boolean) {
  const Connection = connectionClass(authNeedsTls);
  return class SubmissionServer extends SMTPServer {
    override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
      const connection = new Connection(this, socket, socketOptions);
      this.connections.add(connection);
      connection.on('error', (err: Error) => this._onError(err));
      connection.on('connect', (data) => this._onClientConnect(data));
      connection.init();
    }
  };
}

export interface SubmissionListenOptions {
  config: SpoolerConfig;
  link: ServerLink;
  directory: Directory;
  metrics: SpoolerMetrics;
  log: Logger;
  hostname: string;
}

export interface SubmissionListening {
  addresses: Array<{ host: string; port: number } | { path: string }>;
  connections(): number;
  close(): Promise<void>;
}

export async function listenSubmission(opts: SubmissionListenOptions): Promise<SubmissionListening> {
  const { config, log } = opts;
  const withTls = config.submission_ssl_key_file !== '' && config.submission_ssl_cert_file !== '';
  const tlsOptions = withTls
    ? {
        key: readFileSync(config.submission_ssl_key_file),
        cert: readFileSync(config.submission_ssl_cert_file),
        minVersion: 'TLSv1.2' as const,
      }
    : {};
  const hooks = createSubmissionHooks({
    link: opts.link,
    directory: opts.directory,
    metrics: opts.metrics,
    log,
    hostname: opts.hostname,
    maxMessageSize: config.submission_max_messagesize,
  });
  const SubmissionServer = serverClass(withTls && config.disable_plaintext_auth);
  const servers: SMTPServer[] = [];
  const connections = () => servers.reduce((n, s) => n + s.connections.size, 0);
  const options: SMTPServerOptions = {
    name: opts.hostname,
    banner: 'KGC-TS submission ready',
    size: config.submission_max_messagesize,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    allowInsecureAuth: !config.disable_plaintext_auth,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    disabledCommands: withTls ? [] : ['STARTTLS'],
    ...tlsOptions,
    disableReverseLookup: true,
    maxClients: config.submission_max_connections,
    maxCommandLength: SUBMISSION_MAX_COMMAND_LINE,
    maxRecipients: SUBMISSION_MAX_RECIPIENTS,
    socketTimeout: SUBMISSION_IDLE_TIMEOUT_MS,
    closeTimeout: SUBMISSION_CLOSE_TIMEOUT_MS,
    logger: libraryLogger(log),
    onConnect(_session, callback) {
      if (connections() > config.submission_max_connections) {
        callback(Object.assign(new Error('4.3.2 Too many connections, try again later'), { responseCode: 421 }));
        return;
      }
      callback();
    },
    onAuth: (auth, session, callback) => hooks.onAuth(auth, session, callback),
    onMailFrom: (address, session, callback) => hooks.onMailFrom(address, session, callback),
    onRcptTo: (address, session, callback) => hooks.onRcptTo(address, session, callback),
    onData: (stream, session, callback) => hooks.onData(stream, session, callback),
    onClose: (session) => hooks.onClose(session),
  };
  const addresses: SubmissionListening['addresses'] = [];
  try {
    for (const l of config.submission_listen) {
      if ('path' in l) throw new Error('submission_listen takes host:port listeners');
      const server = new SubmissionServer(options);
      server.on('error', (err: Error) => log.warn({ err: err.message }, 'submission listener error'));
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(l.port, l.host === '*' ? undefined : l.host, () => {
          server.server.off('error', reject);
          resolve();
        });
      });
      const a = server.server.address();
      addresses.push({ host: l.host, port: typeof a === 'object' && a ? a.port : l.port });
    }
  } catch (e) {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    throw new Error(`cannot listen for submission: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    addresses,
    connections,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}
