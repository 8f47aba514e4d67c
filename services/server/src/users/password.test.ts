import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password.js';

describe('scrypt password hashes', () => {
  it('produces a self-describing string with a random salt', async () => {
    const [h1, h2] = await Promise.all([hashPassword('secret'), hashPassword('secret')]);
    expect(h1).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(h1).not.toBe(h2);
  });

  it('verifies the right password only', async () => {
    const h = await hashPassword('pässwörd');
    expect(await verifyPassword('pässwörd', h)).toBe(true);
    // NFC and NFD spellings of one password are the same password.
    expect(await verifyPassword('pa\u0308sswo\u0308rd', h)).toBe(true);
    expect(await verifyPassword('passwörd', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('reads the cost from the hash and rejects malformed or absurd ones', async () => {
    const cheap = await hashPassword('pw', { ln: 10, r: 8, p: 1 });
    expect(cheap.startsWith('$scrypt$ln=10,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('pw', cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashPassword('pw'))).toBe(false);
    expect(await verifyPassword('pw', 'plaintext')).toBe(false);
    expect(await verifyPassword('pw', cheap.replace('ln=10', 'ln=30'))).toBe(false);
    expect(await verifyPassword('pw', '$scrypt$ln=10,r=8,p=1$AAAA$AAAA')).toBe(false);
    await expect(hashPassword('pw', { ln: 4, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });
});
