/** TOP msg n (RFC 1939 §7): the header, the blank line and the first n body lines. */
import type { Pop3CommandSpec } from '../context.js';
import { sendMessage } from './retr.js';

export const top: Pop3CommandSpec<'TOP'> = {
  name: 'TOP',
  states: ['transaction'],
  handle: (ctx, command) => sendMessage(ctx, command.msg, command.lines),
};
