/** spooler.cfg: KGC's key names where KGC has the setting (kopano.md §6, §14). */
import { bool, type ConfigOf, defineConfig, duration, int, listen, oneOf, secret, size, str } from '@kgc/config';

export const spoolerConfig = defineConfig({
  /** The server's SOAP URL: http(s)://host:port/ or file:///path/to/socket. */
  server_socket: str('http://127.0.0.1:236/'),
  /** Longest wait for one server call. */
  server_timeout: duration('120s', { min: 100 }),
  /** Shared secret of the service logon, or a file holding it (mode 0600). */
  service_secret: secret(''),
  service_secret_file: str(''),
  /** NATS with JetStream (wakes the spooler on kgc.mail.submitted); empty = rescan only. */
  nats_url: str(''),
  nats_subject_prefix: str(''),
  nats_stream_prefix: str('KGC'),
  /** The relay (KGC: localhost:25). */
  smtp_server: str('localhost'),
  smtp_port: int(25, { min: 1, max: 65_535 }),
  /** none (KGC), starttls (required), tls (implicit TLS, usually port 465). */
  smtp_tls: oneOf(['none', 'starttls', 'tls'], 'none'),
  /** PEM CA bundle to verify the relay with; empty = the system's. */
  smtp_tls_ca_file: str(''),
  /** Verify the relay's certificate and name. */
  smtp_tls_verify: bool(true),
  /** SMTP AUTH at the relay when set (PLAIN/LOGIN, as the relay offers). */
  smtp_username: str(''),
  smtp_password: secret(''),
  smtp_password_file: str(''),
  /** Name in EHLO, Message-ID and NDRs; empty = the host name. */
  smtp_helo_name: str(''),
  /** Idle time on the relay connection before a send counts as a temporary failure. */
  smtp_timeout: duration('60s', { min: 100 }),
  /** Messages sent at once (KGC: 5). */
  max_threads: int(5, { min: 1, max: 200 }),
  /** Rescan of the queue besides the bus wake-ups (KGC: 60 s). */
  queue_rescan_interval: duration('60s', { min: 50 }),
  /** Lease on a claimed entry, renewed while sending; another spooler takes it over after a crash. */
  queue_lease_time: duration('120s', { min: 1000, max: 3_600_000 }),
  /** First retry after a temporary failure; doubles per attempt up to retry_max_delay. */
  retry_delay: duration('60s', { min: 0, max: 86_400_000 }),
  retry_max_delay: duration('1h', { min: 0, max: 86_400_000 }),
  /** A message still failing temporarily this long after submission is returned with an NDR. */
  retry_give_up: duration('5d', { min: 1000 }),
  /** SMTP submission (RFC 6409) for IMAP clients; empty = none. */
  submission_listen: listen('*:587'),
  /** STARTTLS on the submission port when both are set (PEM files). */
  submission_ssl_key_file: str(''),
  submission_ssl_cert_file: str(''),
  /** AUTH only after STARTTLS (KGC gateway's key name); `no` allows it in the clear. */
  disable_plaintext_auth: bool(true),
  /** Largest message taken on the submission port (advertised as SIZE). */
  submission_max_messagesize: size('64M', { min: 1024 }),
  /** Concurrent submission connections; one more is answered `421`. */
  submission_max_connections: int(100, { min: 1, max: 10_000 }),
  /** /metrics, /healthz, /readyz; empty = none. */
  metrics_listen: listen('127.0.0.1:2005'),
  log_level: str('info'),
});

export type SpoolerConfig = ConfigOf<typeof spoolerConfig>;
