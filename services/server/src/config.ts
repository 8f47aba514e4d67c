/** server.cfg: KGC's key names where KGC has the setting (kopano.md §1.1, §14). */
import { type ConfigOf, defineConfig, duration, int, list, listen, oneOf, secret, size, str } from '@kgc/config';

export const serverConfig = defineConfig({
  server_listen: listen('127.0.0.1:236'),
  server_listen_tls: listen(''),
  server_ssl_key_file: str(''),
  server_ssl_cert_file: str(''),
  server_ssl_ca_file: str(''),
  /** mysql (MariaDB/MySQL through mysql2) or sqlite (better-sqlite3; the embedded default). */
  database_engine: oneOf(['mysql', 'sqlite'], 'mysql'),
  sqlite_path: str('/var/lib/kgc/kgc.db'),
  mysql_host: str('localhost'),
  mysql_port: int(3306, { min: 1, max: 65535 }),
  /** Unix socket of a local MySQL/MariaDB (KGC key); set, it replaces mysql_host and mysql_port. */
  mysql_socket: str(''),
  mysql_user: str('root'),
  mysql_password: secret(''),
  mysql_database: str('kopano'),
  /** KGC's values: database, files, files_v2 (= files: content-addressed by SHA-256), auto (files on a new install). */
  attachment_storage: oneOf(['auto', 'database', 'files', 'files_v2'], 'auto'),
  attachment_path: str('/var/lib/kgc/attachments'),
  /** files: blobs up to this size stay in the database (KGC keeps bodies there, attachments in files). */
  attachment_inline_size: size('64K', { min: 0 }),
  user_plugin: oneOf(['db', 'ldap'], 'db'),
  user_plugin_config: str('/etc/kgc/ldap.cfg'),
  session_timeout: duration('300s', { min: 10_000 }),
  /** MB; 0 = no limit. */
  quota_warn: int(0, { min: 0 }),
  quota_soft: int(0, { min: 0 }),
  quota_hard: int(0, { min: 0 }),
  disabled_features: list('imap pop3'),
  /** Shared secret of the service logon (dagent, spooler, gateway, monitor, kgc-admin). */
  service_secret: secret(''),
  /** Alternative to service_secret: a file holding it (mode 0600). */
  service_secret_file: str(''),
  nats_url: str(''),
  /** Prepended to every bus subject: deployments (or test runs) sharing one NATS stay apart. */
  nats_subject_prefix: str(''),
  /** JetStream stream name prefix (<prefix>_WORK). */
  nats_stream_prefix: str('KGC'),
  /** Largest SOAP request body; must hold the largest message, base64-encoded (4/3). */
  soap_max_request_size: size('192M', { min: 64 * 1024 }),
  log_level: str('info'),
  server_name: str('kgc-server'),
  /**
   * How long the change journal keeps entries (0: for ever). Older cursors get `truncated` from
   * getChanges and resync (IMAP QRESYNC clients offline longer do a full resync).
   */
  journal_retention: duration('30d', { min: 0 }),
  /** Longest wait of a notifyGetItems long poll (KGC: 60 s). */
  notify_max_wait: duration('60s', { min: 1000, max: 60_000 }),
});

export type ServerConfig = ConfigOf<typeof serverConfig>;
