/** Every IMAP command the gateway answers, with the states it is allowed in (see each file). */
import type { ImapCommandTable } from '../context.js';
import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { close, unselect } from './close.js';
import { copy, move } from './copy.js';
import { create } from './create.js';
import { del } from './delete.js';
import { enable } from './enable.js';
import { expunge } from './expunge.js';
import { fetch } from './fetch.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { list, lsub } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { namespace } from './namespace.js';
import { check, noop } from './noop.js';
import { getquota, getquotaroot, setquota } from './quota.js';
import { rename } from './rename.js';
import { search } from './search.js';
import { examine, select } from './select.js';
import { starttls } from './starttls.js';
import { status } from './status.js';
import { store } from './store.js';
import { subscribe, unsubscribe } from './subscribe.js';

export const IMAP_COMMAND_TABLE: ImapCommandTable = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  LOGIN: login,
  AUTHENTICATE: authenticate,
  ID: id,
  ENABLE: enable,
  NAMESPACE: namespace,
  SELECT: select,
  EXAMINE: examine,
  CREATE: create,
  DELETE: del,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe,
  LIST: list,
  LSUB: lsub,
  STATUS: status,
  APPEND: append,
  IDLE: idle,
  GETQUOTA: getquota,
  GETQUOTAROOT: getquotaroot,
  SETQUOTA: setquota,
  CHECK: check,
  CLOSE: close,
  UNSELECT: unselect,
  EXPUNGE: expunge,
  SEARCH: search,
  FETCH: fetch,
  STORE: store,
  COPY: copy,
  MOVE: move,
};
