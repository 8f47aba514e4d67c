import type { ConnectionOptions } from 'node:tls';
import { KcError } from '@kgc/soap';
import { Client, type Entry, FilterParser, ResultCodeError } from 'ldapts';

export interface LdapConnectionOptions {
  /** Tried in order, starting after the last one that failed. */
  uris: string[];
  startTls: boolean;
  /** Empty = anonymous service bind. */
  bindDn: string;
  bindPassword: string;
  /** For connecting and for each operation. */
  timeoutMs: number;
  /** Extra TLS settings (CA, client certificate) for ldaps:// and StartTLS. */
  tls?: ConnectionOptions;
}

export interface LdapSearch {
  filter: string;
  scope: 'base' | 'sub';
  attributes: string[];
  /** Ask for paged results (RFC 2696) with this page size; all pages are fetched. */
  pageSize?: number;
}

/** LDAP result codes the plugin tells apart (RFC 4511 §4.1.9). */
export const LDAP_RESULT = {
  busy: 51,
  unavailable: 52,
} as const;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function networkError(message: string, cause: unknown): KcError {
  const error = new KcError('KCERR_NETWORK_ERROR', `${message}: ${describe(cause)}`);
  error.cause = cause;
  return error;
}

/**
 * One reused service connection (bound as ldap_bind_user) plus throw-away connections for
 * password checks. Transport failures (refused, reset, timed out, TLS) are retried once on a
 * fresh connection, then surface as KcError KCERR_NETWORK_ERROR. Answers from the server
 * (ldapts ResultCodeError) are passed through to the caller unchanged.
 */
export class LdapConnection {
  readonly #options: LdapConnectionOptions;
  #service: Client | null = null;
  #connecting: Promise<Client> | null = null;
  #nextUri = 0;
  #closed = false;

  constructor(options: LdapConnectionOptions) {
    this.#options = options;
  }

  async search(base: string, search: LdapSearch): Promise<Entry[]> {
    // Parsed here, before any I/O, so that a bad filter is never mistaken for a transport failure.
    const filter = FilterParser.parseString(search.filter);
    return this.#withService(async (client) => {
      const result = await client.search(base, {
        scope: search.scope,
        filter,
        attributes: search.attributes,
        ...(search.pageSize === undefined ? {} : { paged: { pageSize: search.pageSize } }),
      });
      return result.searchEntries;
    });
  }

  /**
   * Simple bind as `dn` on a fresh connection. true = the directory accepted the password.
   * An empty password is refused without asking: LDAP treats it as an unauthenticated bind,
   * which some servers let "succeed" (RFC 4513 §5.1.2).
   */
  async checkPassword(dn: string, password: string): Promise<boolean> {
    if (password === '' || dn === '') return false;
    this.#assertOpen();
    let client: Client;
    try {
      client = await this.#open(dn, password);
    } catch (err) {
      if (err instanceof ResultCodeError) return false;
      throw err;
    }
    await client.unbind().catch(() => undefined);
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const service = this.#service;
    this.#service = null;
    const pending = this.#connecting;
    this.#connecting = null;
    await service?.unbind().catch(() => undefined);
    const late = await pending?.catch(() => null);
    await late?.unbind().catch(() => undefined);
  }

  #assertOpen(): void {
    if (this.#closed) throw new KcError('KCERR_NETWORK_ERROR', 'LDAP connection is closed');
  }

  async #withService<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#serviceClient();
      try {
        return await operation(client);
      } catch (err) {
        if (err instanceof ResultCodeError) throw err;
        this.#discard(client);
        if (attempt >= 2) throw networkError('LDAP operation failed', err);
      }
    }
  }

  async #serviceClient(): Promise<Client> {
    this.#assertOpen();
    // isBound turns false when the socket closed; ldapts would then reconnect *unbound* on the next call.
    if (this.#service?.isBound) return this.#service;
    if (this.#service) this.#discard(this.#service);
    if (!this.#connecting) {
      this.#connecting = this.#connectAndBind().finally(() => {
        this.#connecting = null;
      });
    }
    const client = await this.#connecting;
    if (this.#closed) {
      await client.unbind().catch(() => undefined);
      this.#assertOpen();
    }
    this.#service = client;
    return client;
  }

  async #connectAndBind(): Promise<Client> {
    try {
      // Anonymous service binds are explicit too, so that isBound tells a live session from a reconnected one.
      return await this.#open(this.#options.bindDn, this.#options.bindPassword);
    } catch (err) {
      if (err instanceof ResultCodeError) throw networkError('LDAP service bind rejected', err);
      throw err;
    }
  }

  /**
   * Connects (StartTLS when configured) and binds, trying each URI once, starting with the one that
   * worked last. A server that cannot be reached or cannot do StartTLS makes it try the next one;
   * a bind the server answers with an error is thrown as that ResultCodeError (another replica
   * would give the same answer).
   */
  async #open(dn: string, password: string): Promise<Client> {
    const { uris, timeoutMs, startTls, tls } = this.#options;
    let lastError: unknown;
    for (let tried = 0; tried < uris.length; tried++) {
      const url = uris[this.#nextUri] ?? '';
      const client = new Client({ url, timeout: timeoutMs, connectTimeout: timeoutMs, tlsOptions: tls ?? {} });
      try {
        if (startTls) await client.startTLS({ ...tls, servername: new URL(url).hostname });
      } catch (err) {
        // Includes a server that answers the StartTLS request with an error: it cannot be used securely.
        lastError = err;
        await this.#giveUp(client);
        continue;
      }
      try {
        await client.bind(dn, password);
        return client;
      } catch (err) {
        if (err instanceof ResultCodeError) {
          await client.unbind().catch(() => undefined);
          throw err;
        }
        lastError = err;
        await this.#giveUp(client);
      }
    }
    throw networkError(`cannot use any LDAP server (${uris.join(' ')})`, lastError);
  }

  /** Drops a client whose server failed and moves on to the next URI. */
  async #giveUp(client: Client): Promise<void> {
    await client.unbind().catch(() => undefined);
    this.#nextUri = (this.#nextUri + 1) % this.#options.uris.length;
  }

  #discard(client: Client): void {
    if (this.#service === client) this.#service = null;
    void client.unbind().catch(() => undefined);
  }
}
