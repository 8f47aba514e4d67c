/**
 * The command line as kopano-admin's administrators know it, declared once on commander. This
 * layer only tokenises: which option combinations make sense is the command table's business.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from './usage-error.js';

export interface RawOptions {
  // actions
  createUser?: string;
  updateUser?: string;
  deleteUser?: string;
  listUsers: boolean;
  listGroups: boolean;
  details?: string;
  createGroup?: string;
  deleteGroup?: string;
  addToGroup?: string;
  removeFromGroup?: string;
  listSendas?: string;
  // action options
  type?: string;
  group?: string;
  newUsername?: string;
  password?: string;
  passwordPrompt: boolean;
  fullname?: string;
  email?: string;
  admin?: string;
  nonActive?: string;
  qo?: string;
  qh?: string;
  qs?: string;
  qw?: string;
  addSendas?: string;
  delSendas?: string;
  enableFeature: string[];
  disableFeature: string[];
  // global
  host?: string;
  config?: string;
  user?: string;
  verbose: number;
  version: boolean;
  help: boolean;
}

export type OptionKey = keyof RawOptions;

/** How each option is written in messages (KGC's short form where it has one). */
export const FLAGS: Readonly<Record<OptionKey, string>> = {
  createUser: '-c',
  updateUser: '-u',
  deleteUser: '-d',
  listUsers: '-l',
  listGroups: '-L',
  details: '--details',
  createGroup: '-g',
  deleteGroup: '-G',
  addToGroup: '-b',
  removeFromGroup: '-B',
  listSendas: '--list-sendas',
  type: '--type',
  group: '-i',
  newUsername: '-U',
  password: '-p',
  passwordPrompt: '-P',
  fullname: '-f',
  email: '-e',
  admin: '-a',
  nonActive: '-n',
  qo: '--qo',
  qh: '--qh',
  qs: '--qs',
  qw: '--qw',
  addSendas: '--add-sendas',
  delSendas: '--del-sendas',
  enableFeature: '--enable-feature',
  disableFeature: '--disable-feature',
  host: '-h',
  config: '--config',
  user: '--user',
  verbose: '-v',
  version: '-V',
  help: '--help',
};

/** Options every action accepts. */
export const GLOBAL_OPTIONS: readonly OptionKey[] = ['host', 'config', 'user', 'verbose', 'version', 'help'];

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const count = (_value: string, previous: number): number => previous + 1;

function program(): Command {
  return new Command('kgc-admin')
    .helpOption(false)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .option('-c, --create-user <user>', 'create user')
    .option('-u, --update-user <user>', 'update user')
    .option('-d, --delete-user <user>', 'delete user')
    .option('-l, --list-users', 'list users')
    .option('-L, --list-groups', 'list groups')
    .option('--details <name>', 'show details of a user or group')
    .option('-g, --create-group <group>', 'create group')
    .option('-G, --delete-group <group>', 'delete group')
    .option('-b, --add-to-group <user>', 'add user to the group given with -i')
    .option('-B, --remove-from-group <user>', 'remove user from the group given with -i')
    .option('--list-sendas <name>', 'list who may send as name')
    .option('--type <type>', 'object type for --details and --list-sendas')
    .option('-i, --group <group>', 'group for -b and -B')
    .option('-U, --new-username <name>', 'rename the user of -u')
    .option('-p, --password <pass>', 'password')
    .option('-P, --password-prompt', 'prompt for the password')
    .option('-f, --fullname <name>', 'full name')
    .option('-e, --email <address>', 'email address')
    .option('-a, --admin <level>', 'administrator: y|n|0|1|2')
    .option('-n, --non-active <y|n>', 'non-active user')
    .option('--qo <y|n>', 'override the server quota')
    .option('--qh <MB>', 'hard quota in MB')
    .option('--qs <MB>', 'soft quota in MB')
    .option('--qw <MB>', 'warning quota in MB')
    .option('--add-sendas <name>', 'allow name to send as the user of -u')
    .option('--del-sendas <name>', 'no longer allow name to send as the user of -u')
    .option('--enable-feature <feature>', 'enable imap or pop3 for the user of -u', collect, [])
    .option('--disable-feature <feature>', 'disable imap or pop3 for the user of -u', collect, [])
    .option('-h, --host <uri>', 'server address (server_socket)')
    .option('--config <file>', 'configuration file (admin.cfg)')
    .option('--user <name>', 'log on as this administrator when no service secret is available')
    .option('-v, --verbose', 'increase verbosity by one', count, 0)
    .option('-V, --version', 'print version info')
    .option('--help', 'show the help text');
}

function str(values: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function strings(values: Readonly<Record<string, unknown>>, key: string): string[] {
  const v = values[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Tokenises argv (without node and script). Throws UsageError for unknown options and the like. */
export function readOptions(argv: readonly string[]): RawOptions {
  const cmd = program();
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.excessArguments') throw new UsageError('Too many options given.');
      throw new UsageError(err.message.replace(/^error: /, ''));
    }
    throw err;
  }
  const v: Readonly<Record<string, unknown>> = cmd.opts();
  const verbose = v.verbose;
  return {
    createUser: str(v, 'createUser'),
    updateUser: str(v, 'updateUser'),
    deleteUser: str(v, 'deleteUser'),
    listUsers: v.listUsers === true,
    listGroups: v.listGroups === true,
    details: str(v, 'details'),
    createGroup: str(v, 'createGroup'),
    deleteGroup: str(v, 'deleteGroup'),
    addToGroup: str(v, 'addToGroup'),
    removeFromGroup: str(v, 'removeFromGroup'),
    listSendas: str(v, 'listSendas'),
    type: str(v, 'type'),
    group: str(v, 'group'),
    newUsername: str(v, 'newUsername'),
    password: str(v, 'password'),
    passwordPrompt: v.passwordPrompt === true,
    fullname: str(v, 'fullname'),
    email: str(v, 'email'),
    admin: str(v, 'admin'),
    nonActive: str(v, 'nonActive'),
    qo: str(v, 'qo'),
    qh: str(v, 'qh'),
    qs: str(v, 'qs'),
    qw: str(v, 'qw'),
    addSendas: str(v, 'addSendas'),
    delSendas: str(v, 'delSendas'),
    enableFeature: strings(v, 'enableFeature'),
    disableFeature: strings(v, 'disableFeature'),
    host: str(v, 'host'),
    config: str(v, 'config'),
    user: str(v, 'user'),
    verbose: typeof verbose === 'number' ? verbose : 0,
    version: v.version === true,
    help: v.help === true,
  };
}

/** Whether an option was given on the command line. */
export function isGiven(raw: RawOptions, key: OptionKey): boolean {
  const v = raw[key];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v > 0;
  if (Array.isArray(v)) return v.length > 0;
  return v !== undefined;
}
