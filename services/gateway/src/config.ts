/** gateway.cfg: KGC's key names where KGC has the setting (kopano.md §7, §14). */
import { bool, type ConfigOf, defineConfig, duration, int, listen, size, str } from '@kgc/config';

export const gatewayConfig = defineConfig({
  /** The server's SOAP URL: http(s)://host:port/ or file:///path/to/socket. */
  server_socket: str('http://127.0.0.1:236/'),
  /** Longest wait for one server call. */
  server_timeout: duration('120s', { min: 100 }),
  /** IMAP listeners (KGC: `*%lo:143`); empty = no IMAP. */
  imap_listen: listen('127.0.0.1:143'),
  /** IMAP over TLS (implicit TLS, conventionally 993); needs the key and certificate. */
  imaps_listen: listen(''),
  /** POP3 listeners (KGC: `*%lo:110`); empty = no POP3. */
  pop3_listen: listen('127.0.0.1:110'),
  /** POP3 over TLS (implicit TLS, conventionally 995); needs the key and certificate. */
  pop3s_listen: listen(''),
  /** PEM key and certificate for imaps/pop3s and for STARTTLS/STLS (offered when both are set). */
  ssl_private_key_file: str(''),
  ssl_certificate_file: str(''),
  /** yes: no plaintext login (IMAP LOGINDISABLED, no POP3 USER/PASS/AUTH) before TLS on non-local connections. */
  disable_plaintext_auth: bool(false),
  /** yes: only mail folders (IPF.Note) are IMAP mailboxes. */
  imap_only_mailfolders: bool(true),
  /** Offer IMAP IDLE (KGC imap_capability_idle). */
  imap_capability_idle: bool(true),
  /** Largest APPEND literal (KGC 128M). */
  imap_max_messagesize: size('128M', { min: 1024 }),
  /** Failed (BAD/NO-by-syntax) commands before the connection is closed (KGC 10). */
  imap_max_fail_commands: int(10, { min: 1, max: 10_000 }),
  /** Open connections over all listeners; more are refused with a BYE / -ERR [SYS/TEMP]. */
  max_connections: int(5000, { min: 1, max: 1_000_000 }),
  /** Name in the greetings; empty = none. */
  server_hostname: str(''),
  /** NATS for change notices (IDLE across replicas); empty = long-poll the server (notifyGetItems). */
  nats_url: str(''),
  /** As the server's: prepended to every bus subject (deployments sharing one NATS stay apart). */
  nats_subject_prefix: str(''),
  /** As the server's: JetStream stream name prefix. */
  nats_stream_prefix: str('KGC'),
  /** /metrics, /healthz, /readyz; empty = none. */
  metrics_listen: listen('127.0.0.1:1144'),
  log_level: str('info'),
});

export type GatewayConfig = ConfigOf<typeof gatewayConfig>;
