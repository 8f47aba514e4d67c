/** Everything an operation handler needs, built once at start (server.ts) and injected. */
import type { Bus } from '@kgc/bus';
import type { Logger } from '@kgc/log';
import type { SessionManager } from './auth/sessions.js';
import type { ServerConfig } from './config.js';
import type { ChangeNotifier } from './notifier.js';
import type { Storage } from './storage/storage.js';
import type { UserDirectory } from './users/directory.js';
import type { WriteBatcher } from './write-batcher.js';

export interface ServerContext {
  config: ServerConfig;
  storage: Storage;
  /** Group commit for message creation (createMessage, deliverMessage). */
  writes: WriteBatcher;
  users: UserDirectory;
  sessions: SessionManager;
  notifier: ChangeNotifier;
  bus: Bus;
  log: Logger;
  /** The shared secret of serviceLogon ('' disables service logons). */
  serviceSecret: string;
}
