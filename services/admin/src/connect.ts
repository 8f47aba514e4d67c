/**
 * Connecting and logging on. KGC trusts root on its unix socket; kgc-admin logs on as the service
 * with the secret from `service_secret_file` (kept to its owner only), or, when that file is not
 * there or `--user` is given, as an administrator user with a password.
 */
import { KcError, type KgcSession, SoapClient, serviceLogon, userLogon } from '@kgc/soap';
import type { AdminApi } from './command.js';
import { DEFAULT_SERVER_SOCKET } from './config.js';
import { perror } from './fault-text.js';
import type { Logger } from './logger.js';
import type { Prompter } from './prompt.js';
import { readServiceSecret, SecretFileError } from './secret-file.js';

/** Why kgc-admin could not get a session; the message is for stderr as it stands. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
}

export interface ConnectOptions {
  /** server_socket or `-h`. */
  readonly url: string;
  readonly secretFile: string;
  /** `--user`: log on as this administrator instead of the service. */
  readonly user?: string;
  /** `KGC_ADMIN_PASSWORD`, for `--user` without a prompt. */
  readonly password?: string;
  /** The current user's uid, for the secret file's owner check. */
  readonly uid: number | undefined;
  readonly prompt: Prompter;
  readonly log: Logger;
}

export interface Connection {
  readonly api: AdminApi;
  close(): Promise<void>;
}

const PROTOCOLS = new Set(['http:', 'https:', 'file:']);

/** `-h` / server_socket; KGC's `default:` means the default server. */
export function serverUrl(text: string): string {
  const value = text.trim() === 'default:' ? DEFAULT_SERVER_SOCKET : text.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !PROTOCOLS.has(url.protocol)) {
    throw new ConnectError(
      `Invalid server address "${text}": use http://host:port/, https://host:port/ or file:///path/to/server.sock.`,
    );
  }
  return value;
}

function logonFailure(err: unknown, url: string): ConnectError {
  const lines = [perror('Unable to open Admin session', err)];
  if (err instanceof KcError && err.code === 'KCERR_NETWORK_ERROR') {
    lines.push(`The server is not running, or not accessible through "${url}".`);
  } else if (err instanceof KcError && (err.code === 'KCERR_LOGON_FAILED' || err.code === 'KCERR_NO_ACCESS')) {
    lines.push(`Access was denied on ${url}.`);
  }
  return new ConnectError(lines.join('\n'));
}

async function logon(client: SoapClient, opts: ConnectOptions): Promise<KgcSession> {
  if (opts.user !== undefined) {
    const password = opts.password ?? (await opts.prompt.readSecret('Password:'));
    if (password === null) throw new ConnectError(`No password given for ${opts.user}.`);
    opts.log.log('info', `logging on to ${opts.url} as user ${opts.user}`);
    const session = await userLogon(client, opts.user, password);
    const info = (await session.call('getSessionInfo', {})).info;
    if (!info.isAdmin) {
      await session.logoff().catch(() => {});
      throw new ConnectError(`Access was denied on ${opts.url}: ${opts.user} is not an administrator.`);
    }
    return session;
  }
  let secret: Awaited<ReturnType<typeof readServiceSecret>>;
  try {
    secret = await readServiceSecret(opts.secretFile, opts.uid);
  } catch (err) {
    if (err instanceof SecretFileError) throw new ConnectError(err.message);
    throw err;
  }
  if (secret.kind === 'missing') {
    throw new ConnectError(
      `No service secret file at ${opts.secretFile} (service_secret_file), and no --user given.\n` +
        'Run kgc-admin as the owner of the service secret file, or log on as an administrator with --user NAME.',
    );
  }
  opts.log.log('info', `logging on to ${opts.url} with the service secret from ${opts.secretFile}`);
  return serviceLogon(client, secret.secret);
}

/** Every SOAP call, logged at debug level; faults with the server's own words at error level (-vv). */
function loggingApi(session: KgcSession, log: Logger): AdminApi {
  return {
    call: async (name, input) => {
      const started = performance.now();
      try {
        const out = await session.call(name, input);
        log.log('debug', `${name}: ok (${Math.round(performance.now() - started)} ms)`);
        return out;
      } catch (err) {
        if (err instanceof KcError) log.log('error', `${name}: ${err.code}: ${err.message}`);
        throw err;
      }
    },
  };
}

/** Throws ConnectError. */
export async function connect(opts: ConnectOptions): Promise<Connection> {
  const client = new SoapClient({ url: opts.url });
  let session: KgcSession;
  try {
    session = await logon(client, opts);
  } catch (err) {
    client.close();
    if (err instanceof ConnectError) throw err;
    throw logonFailure(err, opts.url);
  }
  return {
    api: loggingApi(session, opts.log),
    async close() {
      try {
        await session.logoff();
      } catch (err) {
        opts.log.log('warning', perror('logoff failed', err));
      } finally {
        client.close();
      }
    },
  };
}
