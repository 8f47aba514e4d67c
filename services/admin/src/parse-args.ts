/**
 * From argv to one bound command: tokenise (options.ts), check what KGC checks before connecting
 * (printable input, empty names, SYSTEM), pick the one action, refuse options it does not take,
 * and let the command parse its own arguments.
 */
import type { BoundCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import { checkPrintable, requireNonEmpty } from './option-values.js';
import { FLAGS, GLOBAL_OPTIONS, isGiven, type OptionKey, type RawOptions, readOptions } from './options.js';
import { UsageError } from './usage-error.js';

export interface GlobalArgs {
  readonly host?: string;
  readonly config?: string;
  readonly user?: string;
  readonly verbose: number;
}

export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'command'; readonly command: BoundCommand; readonly global: GlobalArgs };

/** Options naming a user: the ones KGC checks for "cannot be empty" and "cannot be SYSTEM". */
const USER_NAMES = ['createUser', 'updateUser', 'deleteUser', 'addToGroup', 'removeFromGroup', 'listSendas'] as const;

function checkInput(raw: RawOptions): void {
  for (const value of Object.values(raw)) {
    if (typeof value === 'string') checkPrintable(value);
    else if (Array.isArray(value)) for (const v of value) checkPrintable(v);
  }
  for (const key of [...USER_NAMES, 'details'] as const) requireNonEmpty(raw[key], `Username (${FLAGS[key]})`);
  for (const key of USER_NAMES) {
    if (raw[key]?.toUpperCase() === 'SYSTEM') throw new UsageError(`Username (${FLAGS[key]}) cannot be SYSTEM`);
  }
  requireNonEmpty(raw.newUsername, 'Username (-U)');
  requireNonEmpty(raw.password, 'Password (-p)');
  for (const key of ['createGroup', 'deleteGroup', 'group'] as const) requireNonEmpty(raw[key], 'Groupname');
  requireNonEmpty(raw.fullname, 'Fullname (-f)');
  requireNonEmpty(raw.email, 'Email address (-e)');
  requireNonEmpty(raw.user, 'Username (--user)');
  requireNonEmpty(raw.host, 'Server address (-h)');
  requireNonEmpty(raw.config, 'Configuration file (--config)');
}

/** Throws UsageError. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const raw = readOptions(argv);
  if (raw.help) return { kind: 'help' };
  if (raw.version) return { kind: 'version' };
  checkInput(raw);

  const selected = COMMANDS.filter((c) => isGiven(raw, c.trigger));
  const [command, ...others] = selected;
  if (command === undefined) throw new UsageError('No correct command (e.g. -c for create user) given.');
  if (others.length > 0) {
    throw new UsageError(
      `Only one action can be given at a time (${selected.map((c) => FLAGS[c.trigger]).join(', ')}).`,
    );
  }
  const allowed = new Set<OptionKey>([command.trigger, ...command.options, ...GLOBAL_OPTIONS]);
  const refused = (Object.keys(FLAGS) as OptionKey[]).filter((k) => isGiven(raw, k) && !allowed.has(k));
  if (refused.length > 0) {
    const names = refused.map((k) => FLAGS[k]).join(', ');
    throw new UsageError(`${names} cannot be used with ${FLAGS[command.trigger]}.`);
  }
  return {
    kind: 'command',
    command: command.bind(raw),
    global: { host: raw.host, config: raw.config, user: raw.user, verbose: raw.verbose },
  };
}
