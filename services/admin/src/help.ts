/** The help text, laid out like kopano-admin's `print_help` for the actions kgc-admin has. */
import { renderTable } from './console-table.js';

const section = (title: string, rows: readonly (readonly [string, string])[]): string[] => [
  title,
  ...renderTable(null, rows),
  '',
];

export function helpText(): string {
  return [
    'Usage:',
    'kgc-admin [action] [options]',
    '',
    'Actions: [[-c|-u|-d|-b|-B|--details] username] | [[-g|-G] groupname] | [-l|-L]',
    ...renderTable(null, [
      ['-l', 'List users.'],
      ['-L', 'List groups.'],
      ['--list-sendas name', "List all users who are allowed to send-as 'name'."],
      ['--details name', 'Show object details, use --type to indicate the object type.'],
      ['--type type', 'Set object type for --details. Values can be "user" or "group".'],
    ]),
    '',
    ...section('Additional Actions when using the DB user plugin:', [
      ['-c user', 'Create user, -p, -f, -e options required, -a and -n are optional. Quota options are optional.'],
      ['-u user', 'Update user, -U, -p, -f, -e, -n and -a optional. Quota options are optional.'],
      ['-d user', 'Delete user.'],
      ['-g group', 'Create group, -e options optional.'],
      ['-G group', 'Delete group.'],
      ['-b user', 'Add user to a group, -i required.'],
      ['-B user', 'Delete user from a group, -i required.'],
      [
        '--enable-feature feature',
        'Update user to explicitly enable a feature (imap, pop3; repeatable or a comma list).',
      ],
      ['--disable-feature feature', 'Update user to explicitly disable a feature.'],
    ]),
    'Options: [-U new username] [-P|-p password] [-f fullname] [-e emailaddress]',
    '         [-a [y|n]] [-n [y|n]] [-i group] [--qo [y|n]] [--qh value] [--qs value] [--qw value]',
    ...renderTable(null, [
      ['-U new username', 'Rename username to new username'],
      ['-P', "Prompt for password, can be substituted by '-p pass'"],
      ['-p pass', "Set password to pass, can be substituted by '-P'"],
      ['-f full', 'Set fullname to full'],
      ['-e addr', 'Set email address to addr'],
      ['-a [y|n]', 'Set administrator level for user. yes/no, y/n or 2/1/0.'],
      ['-n [y|n]', 'set user to non-active. yes/no, y/n or 1/0.'],
      ['--qo [y|n]', 'Override server quota limits. yes/no, y/n or 1/0.'],
      ['--qh hardquota', 'Set hardquota limit in Mb'],
      ['--qs softquota', 'Set softquota limit in Mb'],
      ['--qw warnquota', 'Set warnquota limit in Mb'],
      ['-i group', 'Name of the group'],
      ['--add-sendas name', "Add user 'name' to send-as list of user specified by -u"],
      ['--del-sendas name', "Delete user 'name' from send-as list of user specified by -u"],
    ]),
    '',
    'Global options: [-h|--host path]',
    ...renderTable(null, [
      ['--config file', 'Use a configuration file (default /etc/kgc/admin.cfg)'],
      ['-h path', 'Connect through <path>, e.g. http://127.0.0.1:8236/ or file:///run/kgc/server.sock'],
      ['--user name', 'Log on as administrator name instead of with the service secret (service_secret_file);'],
      ['', 'the password comes from KGC_ADMIN_PASSWORD or a prompt'],
      ['-v', 'Increase verbosity by one.'],
      ['-V', 'Print version info.'],
      ['--version', 'Print version info.'],
      ['--help', 'Show this help text.'],
    ]),
    '',
  ].join('\n');
}

export const USAGE_LINE = 'Usage: kgc-admin [action] [options]';
