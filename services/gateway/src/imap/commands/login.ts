/** LOGIN (RFC 3501 §6.2.3); refused before TLS when disable_plaintext_auth (LOGINDISABLED). */
import type { ImapCommandSpec } from '../context.js';

export const login: ImapCommandSpec<'LOGIN'> = {
  name: 'LOGIN',
  states: ['not-authenticated'],
  handle: (ctx, command) => ctx.login(command.username, command.password),
};
