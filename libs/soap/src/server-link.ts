/**
 * A service's connection to the server (dagent, spooler): one service session, logged on lazily
 * (the service starts and answers even while the server is down) and again after a failed logon.
 * Readiness follows the last call: a failure makes /readyz probe the server until it answers again.
 */
import { readFileSync, statSync } from 'node:fs';
import { type KgcSession, SoapClient, serviceLogon } from './client.js';
import { KcError } from './errors.js';
import type { Input, OperationName, Output } from './spec.js';

/** /readyz trusts a server call that succeeded this recently; otherwise it probes, at most every READY_RECHECK_MS. */
export const READY_TRUST_MS = 10_000;
export const READY_RECHECK_MS = 2_000;

/** The config keys a service reaches the server with (KGC names). */
export interface ServerLinkConfig {
  server_socket: string;
  server_timeout: number;
  service_secret: string;
  service_secret_file: string;
}

/** Where a failed logon is reported (a pino logger fits). */
export interface LinkLog {
  warn(obj: object, msg: string): void;
}

type CallInput<N extends OperationName> = Omit<Input<N>, 'sessionId'>;

/** Errors that say "the server is not answering" rather than "the server said no". */
function isUnavailable(e: unknown): boolean {
  return !(e instanceof KcError) || e.code === 'KCERR_NETWORK_ERROR' || e.code === 'KCERR_DATABASE_ERROR';
}

export class ServerLink {
  private session: Promise<KgcSession> | undefined;
  private healthy = false;
  private lastSuccess = 0;
  private lastProbe = 0;

  constructor(
    readonly client: SoapClient,
    private readonly secret: () => string,
    private readonly log: LinkLog,
  ) {}

  static fromConfig(config: ServerLinkConfig, log: LinkLog): ServerLink {
    const client = new SoapClient({ url: config.server_socket, timeoutMs: config.server_timeout });
    return new ServerLink(client, () => serviceSecretOf(config), log);
  }

  async call<N extends OperationName>(name: N, input: CallInput<N>): Promise<Output<N>> {
    let session: KgcSession;
    try {
      session = await this.logon();
    } catch (e) {
      this.healthy = false;
      throw e;
    }
    try {
      const out = await session.call(name, input);
      this.healthy = true;
      this.lastSuccess = Date.now();
      return out;
    } catch (e) {
      if (isUnavailable(e)) this.healthy = false;
      if (e instanceof KcError && e.code === 'KCERR_LOGON_FAILED') this.session = undefined;
      throw e;
    }
  }

  /**
   * For /readyz: the server answered lately (READY_TRUST_MS); otherwise (idle, or after a failure)
   * it is probed, at most every READY_RECHECK_MS.
   */
  async ready(): Promise<boolean> {
    const now = Date.now();
    if (this.healthy && now - this.lastSuccess < READY_TRUST_MS) return true;
    if (now - this.lastProbe < READY_RECHECK_MS) return this.healthy;
    this.lastProbe = now;
    try {
      await this.call('getSessionInfo', {});
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.client.close();
  }

  private logon(): Promise<KgcSession> {
    if (!this.session) {
      const attempt = (async () => serviceLogon(this.client, this.secret()))();
      this.session = attempt;
      attempt.catch((err: unknown) => {
        if (this.session === attempt) this.session = undefined;
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'service logon failed');
      });
    }
    return this.session;
  }
}

/** service_secret, or the contents of service_secret_file (which must not be readable by others). */
export function serviceSecretOf(cfg: Pick<ServerLinkConfig, 'service_secret' | 'service_secret_file'>): string {
  if (cfg.service_secret) return cfg.service_secret;
  if (!cfg.service_secret_file) throw new Error('set service_secret or service_secret_file');
  const st = statSync(cfg.service_secret_file);
  if ((st.mode & 0o077) !== 0)
    throw new Error(`${cfg.service_secret_file} must not be readable by group or others (chmod 600)`);
  return readFileSync(cfg.service_secret_file, 'utf8').trim();
}
