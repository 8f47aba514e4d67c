/**
 * One action of kgc-admin (create user, list groups, ...): which option selects it, which other
 * options it takes, how it turns them into typed arguments, and what it does with a session.
 */
import type { KgcSession } from '@kgc/soap';
import type { Printer } from './io.js';
import type { Logger } from './logger.js';
import type { OptionKey, RawOptions } from './options.js';
import type { Prompter } from './prompt.js';

export type CommandName =
  | 'create-user'
  | 'update-user'
  | 'delete-user'
  | 'list-users'
  | 'list-groups'
  | 'details'
  | 'create-group'
  | 'delete-group'
  | 'add-to-group'
  | 'remove-from-group'
  | 'list-sendas';

/** The SOAP calls a command makes; a KgcSession in production. */
export type AdminApi = Pick<KgcSession, 'call'>;

export interface CommandContext {
  readonly api: AdminApi;
  readonly out: Printer;
  readonly err: Printer;
  readonly log: Logger;
  readonly prompt: Prompter;
}

export interface CommandDef<A> {
  readonly name: CommandName;
  /** The option that selects this action (`createUser` for `-c`). */
  readonly trigger: OptionKey;
  /** The other options it accepts besides the global ones. */
  readonly options: readonly OptionKey[];
  /** Typed arguments from the options; throws UsageError. Runs before any connection is made. */
  parse(raw: RawOptions): A;
  /** Does the work; returns the exit code. */
  run(ctx: CommandContext, args: A): Promise<number>;
}

/** A command with its arguments parsed, ready to run. */
export interface BoundCommand {
  readonly name: CommandName;
  readonly args: unknown;
  run(ctx: CommandContext): Promise<number>;
}

export interface Command {
  readonly name: CommandName;
  readonly trigger: OptionKey;
  readonly options: readonly OptionKey[];
  bind(raw: RawOptions): BoundCommand;
}

export function defineCommand<A>(def: CommandDef<A>): Command {
  return {
    name: def.name,
    trigger: def.trigger,
    options: def.options,
    bind(raw) {
      const args = def.parse(raw);
      return {
        name: def.name,
        args,
        run: (ctx) => def.run(ctx, args),
      };
    },
  };
}

/** Prints an error line on stderr and returns exit code 1. */
export function failed(ctx: CommandContext, message: string): number {
  ctx.err.line(message);
  return 1;
}
