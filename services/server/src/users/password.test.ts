import { describe, expect, it } from 'vitest';
import { DEFAULT_ARGON2_PARAMS, hashPassword, hashPasswordScrypt, needsRehash, verifyPassword } from './password.js';

const CHEAP = { m: 1024, t: 1, p: 1 };

describe('password hashes', () => {
  it('produces a self-describing Argon2id string (OWASP minimum) with a random salt', async () => {
    const [h1, h2] = await Promise.all([hashPassword('secret'), hashPassword('secret')]);
    expect(h1).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(h1).not.toBe(h2);
    expect(DEFAULT_ARGON2_PARAMS).toEqual({ m: 19_456, t: 2, p: 1 });
  });

  it('verifies the right password only', async () => {
    const h = await hashPassword('pässwörd');
    expect(await verifyPassword('pässwörd', h)).toBe(true);
    // NFC and NFD spellings of one password are the same password.
    expect(await verifyPassword('pa\u0308sswo\u0308rd', h)).toBe(true);
    expect(await verifyPassword('passwörd', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('still verifies earlier scrypt hashes, and asks for them to be replaced', async () => {
    const old = await hashPasswordScrypt('pässwörd', { ln: 10, r: 8, p: 1 });
    expect(old.startsWith('$scrypt$ln=10,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('pässwörd', old)).toBe(true);
    expect(await verifyPassword('pa\u0308sswo\u0308rd', old)).toBe(true);
    expect(await verifyPassword('passwörd', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('pw'))).toBe(false);
    expect(needsRehash(await hashPassword('pw', CHEAP))).toBe(true);
    expect(needsRehash(await hashPassword('pw', { m: 65_536, t: 3, p: 1 }))).toBe(false);
  });

  it('reads the cost from the hash and rejects malformed or absurd ones', async () => {
    const cheap = await hashPassword('pw', CHEAP);
    expect(cheap.startsWith('$argon2id$v=19$m=1024,t=1,p=1$')).toBe(true);
    expect(await verifyPassword('pw', cheap)).toBe(true);
    const scrypt = await hashPasswordScrypt('pw', { ln: 10, r: 8, p: 1 });
    const [, , , , salt = '', key = ''] = cheap.split('$');
    const bad = [
      'plaintext',
      '',
      '$argon2id$',
      cheap.replace('m=1024', 'm=99999999'), // 95 GiB: refused, not attempted
      cheap.replace('t=1', 't=99'),
      cheap.replace('p=1', 'p=0'),
      cheap.replace('v=19', 'v=16'),
      cheap.replace('$argon2id$', '$argon2i$'),
      cheap.replace('$argon2id$', '$argon2d$'),
      `$argon2id$v=19$m=1024,t=1,p=1$${salt}$${key.slice(0, 10)}`,
      `$argon2id$v=19$m=1024,t=1,p=1$${salt}$${key}$extra`,
      `$argon2id$v=19$m=1024,t=1,p=1$${salt}!$${key}`,
      `${cheap}\n`,
      `$argon2id$v=19$m=1024,t=1,p=1$${salt}$${'A'.repeat(43)}`,
      scrypt.replace('ln=10', 'ln=30'),
      '$scrypt$ln=10,r=8,p=1$AAAA$AAAA',
    ];
    for (const h of bad) expect(await verifyPassword('pw', h), h).toBe(false);
    for (const h of bad.slice(0, -1)) expect(needsRehash(h), h).toBe(true);
    await expect(hashPassword('pw', { m: 4, t: 1, p: 1 })).rejects.toThrow(RangeError);
    await expect(hashPassword('pw', { m: 1024, t: 0, p: 1 })).rejects.toThrow(RangeError);
    await expect(hashPasswordScrypt('pw', { ln: 4, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });
});
