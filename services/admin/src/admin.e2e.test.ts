/**
 * kgc-admin end to end: run() in-process against a real server over HTTP (test/support/server.ts),
 * once per database engine. The steps build on each other, as an administrator's session would.
 */
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../../test/support/server.js';
import { run } from './main.js';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `Key:<tabs>value` lines of --details. */
function fields(stdout: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^ ?([A-Z][A-Za-z -]*):\t+(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) map.set(m[1], m[2]);
  }
  return map;
}

/** The user names of a `print_users` table. */
function tableUsers(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('\t') && !l.startsWith('\t-') && !l.startsWith('\tUsername\t'))
    .map((l) => l.split('\t')[1] ?? '');
}

describe.each(['sqlite', 'mysql'] as const)('kgc-admin against the %s server', (engine) => {
  let server: TestServer;
  let dir = '';
  let cfg = '';

  async function admin(argv: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Result> {
    let stdout = '';
    let stderr = '';
    const stdin = new PassThrough();
    stdin.end(opts.input ?? '');
    const code = await run(['--config', cfg, ...argv], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      stdin,
      env: opts.env ?? {},
    });
    return { code, stdout, stderr };
  }

  /** Runs and insists on success, showing stderr when it is not. */
  async function ok(argv: string[], opts?: { env?: Record<string, string>; input?: string }): Promise<string> {
    const r = await admin(argv, opts);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return r.stdout;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    dir = await mkdtemp(join(tmpdir(), 'kgc-admin-e2e-'));
    cfg = join(dir, 'admin.cfg');
    await writeFile(cfg, `server_socket = ${server.url}\nservice_secret_file = ${server.secretFile}\n`);
  });

  afterAll(async () => {
    await server?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('creates a user', async () => {
    expect(await ok(['-c', 'alice', '-p', 'wonder1', '-e', 'alice@example.com', '-f', 'Alice Liddell'])).toBe(
      'User created.\n',
    );
  });

  it('refuses to create the same user twice', async () => {
    const r = await admin(['-c', 'alice', '-p', 'x', '-e', 'alice2@example.com', '-f', 'Alice Again']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('Unable to create user: "alice" already exists');
  });

  it('lists the user', async () => {
    const out = await ok(['-l']);
    expect(out).toMatch(/^User list for Default\(\d+\):\n\tUsername\t+Fullname\t\n\t-+\n/);
    expect(out).toMatch(/\n\talice\t+Alice Liddell\t\n/);
    expect(out.endsWith('\n\n')).toBe(true);
    const count = Number(/Default\((\d+)\)/.exec(out)?.[1]);
    expect(count).toBe(tableUsers(out).length);
  });

  it('shows the user details', async () => {
    const out = await ok(['--details', 'alice']);
    const f = fields(out);
    expect(f.get('Username')).toBe('alice');
    expect(f.get('Fullname')).toBe('Alice Liddell');
    expect(f.get('Emailaddress')).toBe('alice@example.com');
    expect(f.get('Active')).toBe('yes');
    expect(f.get('Administrator')).toBe('no');
    expect(f.get('Send-as')).toBe('none');
    expect(f.get('Quota overrides')).toBe('no');
    expect(f.get('Current store size')).toMatch(/^\d+\.\d\d MB$/);
    expect(out).toContain('Current user store quota settings:\n');
  });

  it('updates full name, email and admin level', async () => {
    expect(await ok(['-u', 'alice', '-f', 'Alice L.', '-e', 'alice@example.org', '-a', 'y'])).toBe(
      'User information updated.\n',
    );
    const f = fields(await ok(['--details', 'alice']));
    expect(f.get('Fullname')).toBe('Alice L.');
    expect(f.get('Emailaddress')).toBe('alice@example.org');
    expect(f.get('Administrator')).toBe('yes');
  });

  it('changes the password from the prompt, and the new one logs on', async () => {
    expect(await admin(['-u', 'alice', '-P'], { input: 'looking-glass\nlooking-glass\n' })).toEqual({
      code: 0,
      stdout: 'User information updated.\n',
      stderr: 'Type password:\nRetype password:\n',
    });
    const asAlice = await admin(['-l', '--user', 'alice'], { env: { KGC_ADMIN_PASSWORD: 'looking-glass' } });
    expect(asAlice.code).toBe(0);
    expect(tableUsers(asAlice.stdout)).toContain('alice');
    const old = await admin(['-l', '--user', 'alice'], { env: { KGC_ADMIN_PASSWORD: 'wonder1' } });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain(`Access was denied on ${server.url}.`);
  });

  it('refuses a mismatched password prompt without changing anything', async () => {
    const r = await admin(['-u', 'alice', '-P'], { input: 'one\ntwo\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Passwords don't match\n");
  });

  it('sets quota in MB and shows old and new settings', async () => {
    const out = await ok(['-u', 'alice', '--qo', 'y', '--qh', '100', '--qs', '90', '--qw', '80']);
    expect(out).toMatch(/^Old quota settings:\nCurrent user store quota settings:\n Quota overrides:\tno\n/);
    expect(out).toContain(
      'New quota settings:\nCurrent user store quota settings:\n Quota overrides:\tyes\n' +
        ' Warning level:\t\t80.00 MB\n Soft level:\t\t90.00 MB\n Hard level:\t\t100.00 MB\nCurrent store size:\t',
    );
    expect(out.endsWith('User information updated.\n')).toBe(true);
    const f = fields(await ok(['--details', 'alice']));
    expect(f.get('Quota overrides')).toBe('yes');
    expect(f.get('Warning level')).toBe('80.00 MB');
    expect(f.get('Soft level')).toBe('90.00 MB');
    expect(f.get('Hard level')).toBe('100.00 MB');
  });

  it('changes one quota level and keeps the others', async () => {
    const r = await admin(['-u', 'alice', '--qh', '200']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const f = fields(await ok(['--details', 'alice']));
    expect(f.get('Hard level')).toBe('200.00 MB');
    expect(f.get('Soft level')).toBe('90.00 MB');
    expect(f.get('Quota overrides')).toBe('yes');
  });

  it('warns that levels without an override are stored but not used', async () => {
    await ok(['-c', 'erin', '-p', 'e', '-e', 'erin@example.com', '-f', 'Erin']);
    const r = await admin(['-u', 'erin', '--qw', '7']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'Quota levels are provided, but not quota level override\n' +
        'Without an explicit quota override value the quota levels will be ignored.\n',
    );
    const f = fields(await ok(['--details', 'erin']));
    expect([f.get('Quota overrides'), f.get('Warning level')]).toEqual(['no', '7.00 MB']);
  });

  it('creates a user with quota', async () => {
    await ok([
      '-c',
      'carol',
      '-p',
      'c',
      '-e',
      'carol@example.com',
      '-f',
      'Carol',
      '--qo',
      'y',
      '--qh',
      '10',
      '--qs',
      '8',
      '--qw',
      '5',
    ]);
    const f = fields(await ok(['--details', 'carol']));
    expect([f.get('Quota overrides'), f.get('Warning level'), f.get('Soft level'), f.get('Hard level')]).toEqual([
      'yes',
      '5.00 MB',
      '8.00 MB',
      '10.00 MB',
    ]);
  });

  it('creates a group, adds and removes a member, deletes the group', async () => {
    expect(await ok(['-g', 'staff', '-e', 'staff@example.com'])).toBe('Group created.\n');
    const dup = await admin(['-g', 'staff']);
    expect(dup.code).toBe(1);
    expect(dup.stderr.split('\n')[0]).toBe('Unable to create group: "staff" already exists');

    const groups = await ok(['-L']);
    expect(groups).toMatch(/^Group list for Default\(\d+\):\n\tgroupname\n\t-{37}\n/);
    expect(groups.split('\n')).toContain('\tstaff');

    expect(await ok(['-b', 'alice', '-i', 'staff'])).toBe('User added to group.\n');
    const group = await ok(['--details', 'staff', '--type', 'group']);
    const g = fields(group);
    expect(g.get('Groupname')).toBe('staff');
    expect(g.get('Emailaddress')).toBe('staff@example.com');
    expect(group).toContain('Users (1):\n');
    expect(tableUsers(group)).toEqual(['alice']);
    expect(await ok(['--details', 'alice'])).toContain('Groups (1):\n\tstaff\n');

    const missing = await admin(['-b', 'alice', '-i', 'nogroup']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe('Unable to add user to group: "nogroup" not found');
    const nobody = await admin(['-b', 'nobody', '-i', 'staff']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr.split('\n')[0]).toBe('Failed to resolve user: "nobody" not found');

    expect(await ok(['-B', 'alice', '-i', 'staff'])).toBe('User removed from group.\n');
    expect(await ok(['--details', 'alice'])).not.toContain('Groups (');
    expect(await ok(['-G', 'staff'])).toBe('Group deleted.\n');
    expect((await ok(['-L'])).split('\n')).not.toContain('\tstaff');
    const gone = await admin(['-G', 'staff']);
    expect(gone.code).toBe(1);
    expect(gone.stderr.split('\n')[0]).toBe('Unable to delete group: "staff" not found');
  });

  it('grants, lists and revokes send-as', async () => {
    await ok(['-c', 'bob', '-p', 'b', '-e', 'bob@example.com', '-f', 'Bob Builder']);
    expect(await ok(['-u', 'alice', '--add-sendas', 'bob'])).toBe('User information updated.\n');
    const list = await ok(['--list-sendas', 'alice']);
    expect(list).toMatch(
      /^Send-as list \(1\) for user alice:\n\tUsername\t+Fullname\t\n\t-+\n\tbob\t+Bob Builder\t\n$/,
    );
    expect(fields(await ok(['--details', 'alice'])).get('Send-as')).toBe('bob');

    // As in KGC (whose server never reported the collision), granting twice is not an error.
    expect(await ok(['-u', 'alice', '--add-sendas', 'bob'])).toBe('User information updated.\n');
    expect(await ok(['--list-sendas', 'alice'])).toMatch(/^Send-as list \(1\) for user alice:\n/);
    const unknown = await admin(['-u', 'alice', '--add-sendas', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split('\n')[0]).toBe('Unable to update user, sendas user not available: "nobody" not found');

    expect(await ok(['-u', 'alice', '--del-sendas', 'bob'])).toBe('User information updated.\n');
    expect(await ok(['--list-sendas', 'alice'])).toMatch(/^Send-as list \(0\) for user alice:\n/);
    const notThere = await admin(['-u', 'alice', '--del-sendas', 'bob']);
    expect(notThere.code).toBe(1);
    expect(notThere.stderr.split('\n')[0]).toBe('Unable to update user, sender bob not found in sendas list');
  });

  it('enables and disables features', async () => {
    await ok(['-u', 'alice', '--enable-feature', 'imap,pop3']);
    const on = fields(await ok(['--details', 'alice'])).get('Features') ?? '';
    expect(on.split('; ').sort()).toEqual(['imap', 'pop3']);
    await ok(['-u', 'alice', '--disable-feature', 'pop3']);
    expect(fields(await ok(['--details', 'alice'])).get('Features')).toBe('imap');
    await ok(['-u', 'alice', '--disable-feature', 'imap']);
    expect(fields(await ok(['--details', 'alice'])).get('Features')).toBe('none');
  });

  it('renames a user', async () => {
    expect(await ok(['-u', 'bob', '-U', 'robert'])).toBe('User information updated.\n');
    expect(fields(await ok(['--details', 'robert'])).get('Fullname')).toBe('Bob Builder');
    const old = await admin(['--details', 'bob']);
    expect(old.code).toBe(1);
    expect(old.stderr.split('\n')[0]).toBe('Unable to resolve user: "bob" not found');
    const taken = await admin(['-u', 'robert', '-U', 'alice']);
    expect(taken.code).toBe(1);
    expect(taken.stderr.split('\n')[0]).toBe("User with name 'alice' is already present.");
  });

  it('makes a user non-active and active again', async () => {
    await ok(['-u', 'carol', '-n', 'y']);
    expect(fields(await ok(['--details', 'carol'])).get('Active')).toBe('no');
    await ok(['-u', 'carol', '-n', 'n']);
    expect(fields(await ok(['--details', 'carol'])).get('Active')).toBe('yes');
  });

  it('reports an unknown user with exit 1', async () => {
    const update = await admin(['-u', 'nobody', '-f', 'No One']);
    expect(update).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Failed to resolve user: "nobody" not found\nUsing the -v option (possibly multiple times) may give more hints.\n',
    });
    const verbose = await admin(['-u', 'nobody', '-f', 'No One', '-vv']);
    expect(verbose.stderr).toMatch(/^\[error\] getUser: KCERR_NOT_FOUND: /);
    expect(verbose.stderr).not.toContain('Using the -v option');
  });

  it('deletes a user', async () => {
    expect(await ok(['-d', 'alice'])).toBe('User deleted.\n');
    expect(tableUsers(await ok(['-l']))).not.toContain('alice');
    const again = await admin(['-d', 'alice']);
    expect(again.code).toBe(1);
    expect(again.stderr.split('\n')[0]).toBe('Failed to resolve user: "alice" not found');
  });

  it('connects through -h and the environment as well as admin.cfg', async () => {
    const r = await run(['-l', '-h', server.url], {
      stdout: { write: () => true },
      stderr: { write: () => true },
      stdin: new PassThrough(),
      env: { KGC_SERVICE_SECRET_FILE: server.secretFile },
    });
    expect(r).toBe(0);
  });

  it('refuses a service secret file others can read', async () => {
    const open = join(dir, 'open.secret');
    await copyFile(server.secretFile, open);
    await chmod(open, 0o644);
    const r = await admin(['-l'], { env: { KGC_SERVICE_SECRET_FILE: open } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Refusing to use service secret file ${open}: its mode is 0644, it must be 0600`);
  });

  it('is denied with a wrong service secret', async () => {
    const wrong = join(dir, 'wrong.secret');
    await writeFile(wrong, 'not-the-secret\n', { mode: 0o600 });
    const r = await admin(['-l'], { env: { KGC_SERVICE_SECRET_FILE: wrong } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Unable to open Admin session: (logon failed \(KCERR_LOGON_FAILED|no access \(KCERR_NO_ACCESS)/,
    );
    expect(r.stderr).toContain(`Access was denied on ${server.url}.`);
  });

  it('refuses a user logon of a non-administrator', async () => {
    await ok(['-c', 'dave', '-p', 'davepw', '-e', 'dave@example.com', '-f', 'Dave']);
    const r = await admin(['-l', '--user', 'dave'], { env: { KGC_ADMIN_PASSWORD: 'davepw' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Access was denied on ${server.url}: dave is not an administrator.\n`);
  });
});
