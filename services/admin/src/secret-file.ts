/**
 * The service secret file. KGC trusts root on its unix socket; kgc-admin proves the same standing
 * by reading a secret only its owner can read. A file that others could read (or that belongs to
 * someone else) is refused rather than used: whoever could read it could administer the server.
 */
import { open } from 'node:fs/promises';

/** A secret is a line of text; anything this large is not one. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

export type ServiceSecret = { readonly kind: 'missing' } | { readonly kind: 'secret'; readonly secret: string };

export class SecretFileError extends Error {
  override readonly name = 'SecretFileError';
}

function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/**
 * Reads the secret from `path` (following symlinks: mounted secrets often are). `uid` is the
 * current user's (`process.getuid()`); undefined where the platform has none, which skips the
 * owner check.
 */
export async function readServiceSecret(path: string, uid: number | undefined): Promise<ServiceSecret> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { kind: 'missing' };
    const reason = errnoCode(err) === 'EACCES' ? 'permission denied' : (errnoCode(err) ?? String(err));
    throw new SecretFileError(`Cannot read service secret file ${path}: ${reason}.`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new SecretFileError(`Service secret file ${path} is not a regular file.`);
    if ((st.mode & 0o077) !== 0) {
      throw new SecretFileError(
        `Refusing to use service secret file ${path}: its mode is ${octal(st.mode)}, ` +
          `it must be 0600 (readable by its owner only). Fix it with: chmod 600 ${path}`,
      );
    }
    if (uid !== undefined && st.uid !== uid) {
      throw new SecretFileError(
        `Refusing to use service secret file ${path}: it is owned by uid ${st.uid}, not by the current user (uid ${uid}).`,
      );
    }
    if (st.size > MAX_SECRET_FILE_BYTES) {
      throw new SecretFileError(`Service secret file ${path} is larger than ${MAX_SECRET_FILE_BYTES} bytes.`);
    }
    const secret = (await handle.readFile({ encoding: 'utf8' })).trim();
    if (secret === '') throw new SecretFileError(`Service secret file ${path} is empty.`);
    return { kind: 'secret', secret };
  } finally {
    await handle.close();
  }
}
