import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/**
 * Password hashes for the `db` user plugin, as self-describing strings so the cost can change
 * without invalidating what is stored:
 *
 * - new hashes: Argon2id in the PHC string format `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`,
 *   at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1; Password Storage Cheat Sheet).
 *   @node-rs/argon2 (the Rust `argon2` crate, prebuilt for every platform Node runs on) verifies
 *   one in ~10 ms here.
 * - earlier hashes: scrypt `$scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>` (N = 2^ln; unpadded
 *   standard base64). Still verified; `needsRehash` is true for them, and the db plugin replaces
 *   one with an Argon2id hash at the user's next successful logon. (N=2^15 is below OWASP's scrypt
 *   minimum of N=2^17, and costs ~80 ms.)
 *
 * Passwords are NFC-normalised first, so the same password typed on two keyboards matches.
 */
export interface Argon2Params {
  /** Memory in KiB. */
  m: number;
  /** Passes. */
  t: number;
  /** Lanes. */
  p: number;
}

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_ARGON2_PARAMS: Argon2Params = { m: 19_456, t: 2, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const ARGON2_FORMAT =
  /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{22,86}$/;
const SCRYPT_FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** What a stored hash may ask of a logon: bounded, so a bad row cannot tie up the server. */
function validArgon2(p: Argon2Params): boolean {
  return p.m >= 8 * p.p && p.m <= 1_048_576 && p.t >= 1 && p.t <= 16 && p.p >= 1 && p.p <= 16;
}

function validScrypt(p: ScryptParams): boolean {
  return p.ln >= 10 && p.ln <= 20 && p.r >= 1 && p.r <= 32 && p.p >= 1 && p.p <= 16;
}

function parseArgon2(encoded: string): Argon2Params | null {
  const m = ARGON2_FORMAT.exec(encoded);
  if (!m) return null;
  const params = { m: Number(m[1]), t: Number(m[2]), p: Number(m[3]) };
  return validArgon2(params) ? params : null;
}

export async function hashPassword(password: string, params: Argon2Params = DEFAULT_ARGON2_PARAMS): Promise<string> {
  if (!validArgon2(params)) throw new RangeError('argon2 parameters out of range');
  return argon2Hash(password.normalize('NFC'), {
    algorithm: Algorithm.Argon2id,
    memoryCost: params.m,
    timeCost: params.t,
    parallelism: params.p,
    outputLen: KEY_BYTES,
    salt: randomBytes(SALT_BYTES),
  });
}

function deriveScrypt(password: string, salt: Buffer, keyLen: number, { ln, r, p }: ScryptParams): Promise<Buffer> {
  const N = 2 ** ln;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLen, { N, r, p, maxmem: 256 * N * r + 4 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function b64(buf: Buffer): string {
  return buf.toString('base64').replace(/=+$/, '');
}

/** An scrypt hash in the earlier format: what stores written before Argon2id hold (and tests). */
export async function hashPasswordScrypt(password: string, params: ScryptParams): Promise<string> {
  if (!validScrypt(params)) throw new RangeError('scrypt parameters out of range');
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveScrypt(password, salt, KEY_BYTES, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

interface ParsedScrypt {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseScrypt(encoded: string): ParsedScrypt | null {
  const m = SCRYPT_FORMAT.exec(encoded);
  if (!m) return null;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const key = Buffer.from(m[5] ?? '', 'base64');
  if (!validScrypt(params) || salt.length < 8 || key.length < 16 || key.length > 64) return null;
  return { params, salt, key };
}

/** Constant-time check; false for a wrong password and for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (parseArgon2(encoded)) {
    try {
      return await argon2Verify(encoded, password.normalize('NFC'));
    } catch {
      return false;
    }
  }
  const scryptHash = parseScrypt(encoded);
  if (!scryptHash) return false;
  const key = await deriveScrypt(password, scryptHash.salt, scryptHash.key.length, scryptHash.params);
  return timingSafeEqual(key, scryptHash.key);
}

/**
 * true when `encoded` should be replaced at the next successful logon: malformed, scrypt, or an
 * Argon2id hash cheaper than `params` in memory or passes.
 */
export function needsRehash(encoded: string, params: Argon2Params = DEFAULT_ARGON2_PARAMS): boolean {
  const a = parseArgon2(encoded);
  if (!a) return true;
  return a.m < params.m || a.t < params.t;
}
