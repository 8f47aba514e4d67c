/**
 * A framed command as one short line for logs: literals shown by size, the arguments of LOGIN and AUTHENTICATE
 * (and the raw lines of a SASL exchange, which the caller simply does not log) never included.
 */
import { type FramedCommand, peekTagAndName } from './command-framer.js';

const SECRET_COMMANDS = new Set(['LOGIN', 'AUTHENTICATE']);

/**
 * `a1 SELECT INBOX`, `a2 APPEND INBOX (\Seen) {1234 octets}`, `a3 LOGIN ***`. Non-printable octets become `.`,
 * and the text is cut at `max` characters.
 */
export function commandLogText(command: Pick<FramedCommand, 'lines' | 'literals'>, max = 200): string {
  const first = command.lines[0] ?? Buffer.alloc(0);
  const { tag, name } = peekTagAndName(first);
  if (tag !== null && name !== null && SECRET_COMMANDS.has(name)) return `${tag} ${name} ***`;
  let out = '';
  for (let i = 0; i < command.lines.length && out.length <= max; i++) {
    const line = (command.lines[i] as Buffer).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    const literal = command.literals[i];
    out += literal === undefined ? line : `${line.replace(/~?\{[0-9]+\+?\}$/, '')}{${literal.length} octets}`;
  }
  return out.length > max ? `${out.slice(0, max)}...` : out;
}
