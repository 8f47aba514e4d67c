/** Every POP3 command, with the states it is allowed in. */
import type { Pop3CommandTable } from '../context.js';
import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele } from './dele.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import { uidl } from './uidl.js';
import { user } from './user.js';

export const POP3_COMMAND_TABLE: Pop3CommandTable = {
  USER: user,
  PASS: pass,
  AUTH: auth,
  CAPA: capa,
  STLS: stls,
  STAT: stat,
  NOOP: noop,
  RSET: rset,
  QUIT: quit,
  LIST: list,
  UIDL: uidl,
  RETR: retr,
  DELE: dele,
  TOP: top,
};
