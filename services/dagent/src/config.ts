/** dagent.cfg: KGC's key names where KGC has the setting (kopano.md §5, §14). */
import { type ConfigOf, defineConfig, duration, int, listen, secret, size, str } from '@kgc/config';

export const dagentConfig = defineConfig({
  /** LMTP listeners (KGC: `*%lo:2003`). */
  lmtp_listen: listen('127.0.0.1:2003'),
  /** Concurrent LMTP connections; one more is answered `421` and closed (KGC: lmtp_max_threads 20). */
  lmtp_max_connections: int(20, { min: 1, max: 10_000 }),
  /** Largest message (advertised as SIZE); larger DATA gets `552 5.3.4` for every recipient. */
  lmtp_max_messagesize: size('128M', { min: 1024 }),
  /** STARTTLS is offered when both are set (PEM files). */
  lmtp_ssl_key_file: str(''),
  lmtp_ssl_cert_file: str(''),
  /** Name in the greeting and in the Received header; empty = the host name. */
  lmtp_hostname: str(''),
  /** The server's SOAP URL: http(s)://host:port/ or file:///path/to/socket. */
  server_socket: str('http://127.0.0.1:236/'),
  /** Longest wait for one server call; a slower server gets a temporary (4xx) failure. */
  server_timeout: duration('120s', { min: 100 }),
  /** Shared secret of the service logon, or a file holding it (mode 0600). */
  service_secret: secret(''),
  service_secret_file: str(''),
  /** Deliver into Junk E-mail when this header's value starts with spam_header_value (case-insensitive). */
  spam_header_name: str('X-Spam-Status'),
  spam_header_value: str('Yes,'),
  /** `user+folder@domain` delivers into `folder` when it exists, else Inbox; empty turns it off. */
  recipient_delimiter: str('+'),
  /** /metrics, /healthz, /readyz; empty = none. */
  metrics_listen: listen('127.0.0.1:2004'),
  log_level: str('info'),
});

export type DagentConfig = ConfigOf<typeof dagentConfig>;
