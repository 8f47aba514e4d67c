/** admin.cfg: the few settings kgc-admin reads (KGC's admin.cfg has server_socket and the SSL key). */
import { join, resolve } from 'node:path';
import { type ConfigOf, defineConfig, int, loadConfig, str } from '@kgc/config';
import { MAX_LOG_LEVEL } from './logger.js';

/** Where kopano-admin reads admin.cfg when `--config` is not given; used only if it exists. */
export const DEFAULT_CONFIG_FILE = '/etc/kgc/admin.cfg';
/** The embedded server's SOAP listener (architecture.md, "Ports"). */
export const DEFAULT_SERVER_SOCKET = 'http://127.0.0.1:8236/';

/** The data directory: `KGC_DATA_DIR`, else `./data` (the embedded default). */
export function dataDir(env: Readonly<Record<string, string | undefined>>): string {
  const dir = env.KGC_DATA_DIR?.trim();
  return resolve(dir === undefined || dir === '' ? 'data' : dir);
}

export function adminConfigDef(env: Readonly<Record<string, string | undefined>>) {
  return defineConfig({
    /** http://host:port/, https://host:port/ or file:///path/to/server.sock; `-h` overrides it. */
    server_socket: str(DEFAULT_SERVER_SOCKET),
    /** The service secret that lets kgc-admin log on as the service (KGC: root on the unix socket). */
    service_secret_file: str(join(dataDir(env), 'admin.secret')),
    /** 0 (none) to 6 (debug); each `-v` adds one. */
    log_level: int(0, { min: 0, max: MAX_LOG_LEVEL }),
  });
}

export type AdminConfig = ConfigOf<ReturnType<typeof adminConfigDef>>;

export interface LoadAdminConfigOptions {
  /** `--config FILE`: then the file must exist. */
  readonly file?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Defaults < admin.cfg < `KGC_<KEY>` environment variables. Throws ConfigError. */
export function loadAdminConfig(options: LoadAdminConfigOptions): AdminConfig {
  const explicit = options.file !== undefined;
  return loadConfig(adminConfigDef(options.env), {
    file: options.file ?? DEFAULT_CONFIG_FILE,
    env: options.env,
    required: explicit,
  });
}
