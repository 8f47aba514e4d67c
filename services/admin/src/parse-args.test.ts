import { describe, expect, it } from 'vitest';
import { parseArgs } from './parse-args.js';

const MB = 1024 * 1024;

function command(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'command') throw new Error(`expected a command, got ${parsed.kind}`);
  return parsed;
}

describe('parseArgs: valid command lines', () => {
  const cases: [string, string[], string, unknown][] = [
    [
      'create user',
      ['-c', 'alice', '-p', 'pw', '-e', 'alice@example.com', '-f', 'Alice A'],
      'create-user',
      { username: 'alice', password: { kind: 'given', value: 'pw' }, email: 'alice@example.com', fullName: 'Alice A' },
    ],
    [
      'create user with prompt, admin level 2, quota',
      ['-c', 'bob', '-P', '-e', 'b@x', '-f', 'Bob', '-a', '2', '--qo', 'y', '--qh', '100', '--qs', '90', '--qw', '80'],
      'create-user',
      {
        username: 'bob',
        password: { kind: 'prompt' },
        admin: 2,
        quota: { override: true, hard: 100 * MB, soft: 90 * MB, warn: 80 * MB },
      },
    ],
    [
      'non-active user needs no password',
      ['-c', 'shared', '-n', 'y', '-e', 's@x', '-f', 'Shared'],
      'create-user',
      { username: 'shared', nonActive: true, password: undefined },
    ],
    [
      'update: rename, features as a comma list and repeated (deduplicated)',
      ['-u', 'alice', '-U', 'alice2', '--enable-feature', 'imap,pop3', '--enable-feature', 'IMAP'],
      'update-user',
      { username: 'alice', newUsername: 'alice2', features: { enable: ['imap', 'pop3'], disable: [] } },
    ],
    [
      'update: repeated --disable-feature',
      ['-u', 'alice', '--disable-feature', 'imap', '--disable-feature', 'pop3'],
      'update-user',
      { features: { enable: [], disable: ['imap', 'pop3'] } },
    ],
    [
      'update: send-as',
      ['-u', 'alice', '--add-sendas', 'bob'],
      'update-user',
      { sendAs: { action: 'add', name: 'bob' } },
    ],
    ['update: quota only', ['-u', 'alice', '--qw', '0'], 'update-user', { quota: { warn: 0 } }],
    ['update: -a n', ['-u', 'alice', '-a', 'n'], 'update-user', { admin: 0 }],
    ['delete user', ['-d', 'alice'], 'delete-user', { username: 'alice' }],
    ['list users', ['-l'], 'list-users', {}],
    ['list users (long)', ['--list-users'], 'list-users', {}],
    ['list groups', ['-L'], 'list-groups', {}],
    ['details defaults to user', ['--details', 'alice'], 'details', { name: 'alice', type: 'user' }],
    ['details of a group', ['--details', 'staff', '--type', 'Group'], 'details', { name: 'staff', type: 'group' }],
    ['create group', ['-g', 'staff', '-e', 'staff@x'], 'create-group', { name: 'staff', email: 'staff@x' }],
    ['delete group', ['-G', 'staff'], 'delete-group', { name: 'staff' }],
    ['add member', ['-b', 'alice', '-i', 'staff'], 'add-to-group', { username: 'alice', group: 'staff' }],
    ['remove member', ['-B', 'alice', '-i', 'staff'], 'remove-from-group', { username: 'alice', group: 'staff' }],
    ['list send-as', ['--list-sendas', 'alice'], 'list-sendas', { username: 'alice' }],
  ];
  it.each(cases)('%s', (_title, argv, name, args) => {
    const parsed = command(argv);
    expect(parsed.command.name).toBe(name);
    expect(parsed.command.args).toMatchObject(args as object);
  });

  it('takes the global options with any action', () => {
    const parsed = command([
      '-l',
      '-h',
      'http://10.0.0.1:236/',
      '--config',
      '/tmp/a.cfg',
      '--user',
      'root',
      '-v',
      '-v',
    ]);
    expect(parsed.global).toEqual({ host: 'http://10.0.0.1:236/', config: '/tmp/a.cfg', user: 'root', verbose: 2 });
  });

  it('recognises --help and -V before anything else', () => {
    expect(parseArgs(['--help']).kind).toBe('help');
    expect(parseArgs(['-V']).kind).toBe('version');
    expect(parseArgs(['--version', '-l']).kind).toBe('version');
  });
});

describe('parseArgs: refused command lines', () => {
  const cases: [string, string[], RegExp][] = [
    ['no action', ['-p', 'x'], /^No correct command \(e\.g\. -c for create user\) given\.$/],
    ['two actions', ['-l', '-d', 'alice'], /^Only one action can be given at a time \(-d, -l\)\.$/],
    ['-b without -i', ['-b', 'alice'], /^Missing information to add user to group: group name \(-i\)$/],
    ['-B without -i', ['-B', 'alice'], /^Missing information to remove user from group: group name \(-i\)$/],
    ['--qh not a number', ['-u', 'alice', '--qh', 'abc'], /^Invalid value "abc" for --qh: expected a size in MB/],
    ['--qs negative', ['-u', 'alice', '--qs=-5'], /^Invalid value "-5" for --qs/],
    ['--qw fraction', ['-u', 'alice', '--qw', '1.5'], /^Invalid value "1\.5" for --qw/],
    ['--qh beyond 2^53 bytes', ['-u', 'alice', '--qh', '9999999999999'], /^Invalid value "9999999999999" for --qh/],
    ['--qo not yes/no', ['-u', 'alice', '--qo', 'maybe'], /^Invalid value "maybe" for --qo: use y or n\.$/],
    ['-a out of range', ['-u', 'alice', '-a', '3'], /^Invalid value "3" for -a/],
    ['-n not yes/no', ['-u', 'alice', '-n', 'x'], /^Invalid value "x" for -n/],
    [
      'create without password, email, full name',
      ['-c', 'alice'],
      /^Missing information to create user: password \(-p\) email address \(-e\) full name \(-f\)$/,
    ],
    [
      'create with override but not all levels',
      ['-c', 'a', '-p', 'x', '-e', 'a@x', '-f', 'A', '--qo', 'y', '--qs', '1'],
      /^Not all user specific quota levels are given\.\nMissing information to create user: hard quota \(--qh\) warn quota \(--qw\)$/,
    ],
    ['update with nothing to change', ['-u', 'alice'], /^Missing information to update user/],
    ['-p and -P together', ['-u', 'alice', '-p', 'x', '-P'], /^Use either -p or -P, not both\.$/],
    ['add and del send-as together', ['-u', 'a', '--add-sendas', 'b', '--del-sendas', 'c'], /not both/],
    ['unknown feature', ['-u', 'alice', '--enable-feature', 'webapp'], /^webapp is not a valid kopano feature/],
    [
      'feature enabled and disabled',
      ['-u', 'a', '--enable-feature', 'imap', '--disable-feature', 'imap'],
      /^Feature imap cannot be both/,
    ],
    ['quota options with -d', ['-d', 'alice', '--qh', '5'], /^--qh cannot be used with -d\.$/],
    ['-e with -l', ['-l', '-e', 'x@y'], /^-e cannot be used with -l\.$/],
    ['-U with -c', ['-c', 'a', '-p', 'x', '-e', 'a@x', '-f', 'A', '-U', 'b'], /^-U cannot be used with -c\.$/],
    ['send-as with -c', ['-c', 'a', '-p', 'x', '-e', 'a@x', '-f', 'A', '--add-sendas', 'b'], /--add-sendas cannot/],
    ['unknown --type', ['--details', 'x', '--type', 'company'], /^Unknown userobject type "company"/],
    ['group send-as list', ['--list-sendas', 'staff', '--type', 'group'], /supports users only/],
    ['unknown option', ['-l', '--bogus'], /^unknown option '--bogus'$/],
    ['missing option value', ['-c'], /argument missing/],
    ['excess argument', ['-l', 'extra'], /^Too many options given\.$/],
    ['empty user name', ['-d', ''], /^Username \(-d\) cannot be empty$/],
    ['SYSTEM', ['-d', 'system'], /^Username \(-d\) cannot be SYSTEM$/],
    ['empty password', ['-u', 'a', '-p', ''], /^Password \(-p\) cannot be empty$/],
    ['empty group', ['-b', 'a', '-i', ''], /^Groupname cannot be empty$/],
    ['control character', ['-u', 'a', '-f', 'A\u0007B'], /^Invalid input 'A\?B' found\.$/],
  ];
  it.each(cases)('%s', (_title, argv, message) => {
    expect(() => parseArgs(argv)).toThrow(
      expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(message) }),
    );
  });
});
