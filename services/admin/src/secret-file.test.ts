import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SECRET_FILE_BYTES, readServiceSecret } from './secret-file.js';

const uid = process.getuid?.();
let dir = '';

async function secretFile(name: string, content: string, mode: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  await chmod(path, mode);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kgc-admin-secret-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readServiceSecret', () => {
  it('reads a 0600 file of the current user, without the trailing newline', async () => {
    const path = await secretFile('ok', 's3cret\n', 0o600);
    expect(await readServiceSecret(path, uid)).toEqual({ kind: 'secret', secret: 's3cret' });
  });

  it('accepts 0400 and follows a symlink to a good file', async () => {
    const path = await secretFile('ro', 'x', 0o400);
    const link = join(dir, 'link');
    await symlink(path, link);
    expect(await readServiceSecret(link, uid)).toEqual({ kind: 'secret', secret: 'x' });
  });

  it('reports a missing file as missing (the caller may fall back to a user logon)', async () => {
    expect(await readServiceSecret(join(dir, 'nope'), uid)).toEqual({ kind: 'missing' });
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o606])('refuses mode %o', async (mode) => {
    const path = await secretFile(`m${mode.toString(8)}`, 'x', mode);
    await expect(readServiceSecret(path, uid)).rejects.toThrow(
      `Refusing to use service secret file ${path}: its mode is 0${mode.toString(8)}, it must be 0600`,
    );
  });

  it('refuses a file owned by another user', async () => {
    const path = await secretFile('other', 'x', 0o600);
    const other = (uid ?? 0) + 1;
    await expect(readServiceSecret(path, other)).rejects.toThrow(
      `Refusing to use service secret file ${path}: it is owned by uid ${uid}, not by the current user (uid ${other}).`,
    );
  });

  it('refuses an empty file, a huge file and a directory', async () => {
    const empty = await secretFile('empty', ' \n', 0o600);
    await expect(readServiceSecret(empty, uid)).rejects.toThrow(/is empty/);
    const huge = await secretFile('huge', 'x'.repeat(MAX_SECRET_FILE_BYTES + 1), 0o600);
    await expect(readServiceSecret(huge, uid)).rejects.toThrow(/is larger than/);
    await expect(readServiceSecret(dir, uid)).rejects.toThrow(/not a regular file/);
  });
});
