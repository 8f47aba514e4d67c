/**
 * POP3 command lines (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH) to typed commands.
 * Keywords are case-insensitive; arguments are separated by spaces. Pure: no state, no I/O.
 */
import { MAX_ARGUMENT, MAX_LINE_COUNT_DIGITS, MAX_MESSAGE_NUMBER } from './limits.js';

export type Pop3Command =
  | { name: 'USER'; user: string }
  | { name: 'PASS'; password: string }
  | { name: 'AUTH'; mechanism?: string; initial?: string }
  | { name: 'CAPA' }
  | { name: 'STLS' }
  | { name: 'STAT' }
  | { name: 'NOOP' }
  | { name: 'RSET' }
  | { name: 'QUIT' }
  | { name: 'LIST'; msg?: number }
  | { name: 'UIDL'; msg?: number }
  | { name: 'RETR'; msg: number }
  | { name: 'DELE'; msg: number }
  | { name: 'TOP'; msg: number; lines: number };

export type Pop3CommandName = Pop3Command['name'];

export const POP3_COMMANDS: readonly Pop3CommandName[] = [
  'USER',
  'PASS',
  'AUTH',
  'CAPA',
  'STLS',
  'STAT',
  'NOOP',
  'RSET',
  'QUIT',
  'LIST',
  'UIDL',
  'RETR',
  'DELE',
  'TOP',
];

export type ParseResult =
  | { ok: true; command: Pop3Command }
  /** `unknown`: not a POP3 command at all (counts towards the bad-command limit like any error). */
  | { ok: false; error: string; unknown: boolean };

const KEYWORD = /^[A-Za-z]{3,4}$/;
const NUMBER = /^[0-9]{1,9}$/;
const LINE_COUNT = new RegExp(`^[0-9]{1,${MAX_LINE_COUNT_DIGITS}}$`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\x00-\x1f\x7f]/;

function fail(error: string, unknown = false): ParseResult {
  return { ok: false, error, unknown };
}

function messageNumber(arg: string | undefined): number | string {
  if (arg === undefined) return 'message number required';
  if (!NUMBER.test(arg)) return 'invalid message number';
  const n = Number(arg);
  if (n < 1 || n > MAX_MESSAGE_NUMBER) return 'invalid message number';
  return n;
}

function lineCount(arg: string | undefined): number | string {
  if (arg === undefined) return 'line count required';
  if (!LINE_COUNT.test(arg)) return 'invalid line count';
  return Math.min(Number(arg), Number.MAX_SAFE_INTEGER);
}

/** Parse one command line (without its CRLF). */
export function parseCommand(line: Buffer): ParseResult {
  const text = line.toString('utf8');
  const space = text.indexOf(' ');
  const keyword = space < 0 ? text : text.slice(0, space);
  if (!KEYWORD.test(keyword)) return fail('unknown command', true);
  const name = keyword.toUpperCase();
  const rest = space < 0 ? '' : text.slice(space + 1);
  // PASS takes the rest of the line: passwords may contain spaces (RFC 1939 §7).
  if (name === 'PASS') {
    if (rest === '') return fail('password required');
    return { ok: true, command: { name: 'PASS', password: rest } };
  }
  const args = rest === '' ? [] : rest.split(' ').filter((a) => a !== '');
  if (args.some((a) => a.length > MAX_ARGUMENT && name !== 'AUTH' && name !== 'USER')) return fail('argument too long');
  if (CONTROL.test(rest)) return fail('control characters in arguments');
  const arity = (min: number, max: number) => args.length >= min && args.length <= max;
  switch (name) {
    case 'CAPA':
    case 'STLS':
    case 'STAT':
    case 'NOOP':
    case 'RSET':
    case 'QUIT':
      if (!arity(0, 0)) return fail(`${name} takes no arguments`);
      return { ok: true, command: { name } };
    case 'USER':
      if (!arity(1, 1)) return fail('USER takes one argument');
      return { ok: true, command: { name, user: args[0] as string } };
    case 'AUTH': {
      if (!arity(0, 2)) return fail('AUTH takes a mechanism and an optional initial response');
      const [mechanism, initial] = args;
      if (mechanism !== undefined && mechanism.length > MAX_ARGUMENT) return fail('argument too long');
      return {
        ok: true,
        command: {
          name,
          ...(mechanism !== undefined ? { mechanism: mechanism.toUpperCase() } : {}),
          ...(initial !== undefined ? { initial } : {}),
        },
      };
    }
    case 'LIST':
    case 'UIDL': {
      if (!arity(0, 1)) return fail(`${name} takes at most one argument`);
      if (args.length === 0) return { ok: true, command: { name } };
      const msg = messageNumber(args[0]);
      if (typeof msg === 'string') return fail(msg);
      return { ok: true, command: { name, msg } };
    }
    case 'RETR':
    case 'DELE': {
      if (!arity(1, 1)) return fail(`${name} takes one message number`);
      const msg = messageNumber(args[0]);
      if (typeof msg === 'string') return fail(msg);
      return { ok: true, command: { name, msg } };
    }
    case 'TOP': {
      if (!arity(2, 2)) return fail('TOP takes a message number and a line count');
      const msg = messageNumber(args[0]);
      if (typeof msg === 'string') return fail(msg);
      const lines = lineCount(args[1]);
      if (typeof lines === 'string') return fail(lines);
      return { ok: true, command: { name, msg, lines } };
    }
    default:
      return fail('unknown command', true);
  }
}
