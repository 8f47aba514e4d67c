import { describe, expect, it } from 'vitest';
import { encodeBase32, newConnectionId } from './connection-id.js';

describe('encodeBase32', () => {
  // RFC 4648 §10 test vectors, lower-cased and without padding.
  it.each([
    ['', ''],
    ['f', 'my'],
    ['fo', 'mzxq'],
    ['foo', 'mzxw6'],
    ['foob', 'mzxw6yq'],
    ['fooba', 'mzxw6ytb'],
    ['foobar', 'mzxw6ytboi'],
  ])('%j -> %j', (input, expected) => {
    expect(encodeBase32(Buffer.from(input))).toBe(expected);
  });

  it('encodes 10 bytes as exactly 16 characters', () => {
    expect(encodeBase32(new Uint8Array(10).fill(255))).toBe('7'.repeat(16));
    expect(encodeBase32(new Uint8Array(10))).toBe('a'.repeat(16));
  });
});

describe('newConnectionId', () => {
  it('is 16 lower-case base32 characters and does not repeat', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newConnectionId();
      expect(id).toMatch(/^[a-z2-7]{16}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });
});
