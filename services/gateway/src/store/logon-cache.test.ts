import type { KgcSession } from '@kgc/soap';
import { describe, expect, it } from 'vitest';
import { type CachedLogon, LogonCache } from './logon-cache.js';

function setup(ttl = 1000, max = 10) {
  let now = 0;
  const loggedOff: string[] = [];
  const cache = new LogonCache(
    (s) => loggedOff.push(s.id),
    ttl,
    max,
    () => now,
  );
  const logon = (id: string): CachedLogon => ({
    session: { id } as KgcSession,
    username: 'alice',
    storeId: 1,
    features: ['imap'],
    shared: {},
  });
  return { cache, loggedOff, logon, advance: (ms: number) => (now += ms) };
}

describe('LogonCache', () => {
  it('hands the logon to the same user and password only, until it expires', () => {
    const { cache, logon, advance, loggedOff } = setup();
    const a = logon('s1');
    cache.add('alice', 'pw', a);
    expect(cache.acquire('alice', 'pw')).toBe(a);
    expect(cache.acquire('alice', 'wrong')).toBeUndefined();
    expect(cache.acquire('Alice', 'pw')).toBeUndefined();
    expect(cache.acquire('bob', 'pw')).toBeUndefined();
    advance(1000);
    expect(cache.acquire('alice', 'pw')).toBeUndefined();
    // Still held twice (add + one acquire): logged off with its last user.
    cache.release(a);
    expect(loggedOff).toEqual([]);
    cache.release(a);
    expect(loggedOff).toEqual(['s1']);
  });

  it('keeps an unused logon until it expires, then the sweep logs it off', () => {
    const { cache, logon, advance, loggedOff } = setup();
    const a = logon('s1');
    cache.add('alice', 'pw', a);
    cache.release(a);
    expect(loggedOff).toEqual([]);
    advance(500);
    cache.sweep();
    expect(loggedOff).toEqual([]);
    advance(500);
    cache.sweep();
    expect(loggedOff).toEqual(['s1']);
    expect(cache.size).toBe(0);
  });

  it('replaces an older logon of the user, logging it off once unused', () => {
    const { cache, logon, loggedOff } = setup();
    const a = logon('s1');
    const b = logon('s2');
    cache.add('alice', 'pw', a);
    cache.add('alice', 'new-pw', b);
    expect(cache.acquire('alice', 'pw')).toBeUndefined();
    expect(cache.acquire('alice', 'new-pw')).toBe(b);
    cache.release(a);
    expect(loggedOff).toEqual(['s1']);
  });

  it('forgets a user on request (the logon goes once unused)', () => {
    const { cache, logon, loggedOff } = setup();
    const a = logon('s1');
    cache.add('alice', 'pw', a);
    cache.forget('alice');
    expect(cache.acquire('alice', 'pw')).toBeUndefined();
    expect(loggedOff).toEqual([]);
    cache.release(a);
    expect(loggedOff).toEqual(['s1']);
  });

  it('holds at most `max` users, the oldest out first, and logs everything off at clear', () => {
    const { cache, logon, loggedOff } = setup(1000, 2);
    for (const n of ['u1', 'u2', 'u3']) {
      const l = logon(n);
      cache.add(n, 'pw', l);
      cache.release(l);
    }
    expect(cache.size).toBe(2);
    expect(loggedOff).toEqual(['u1']);
    cache.clear();
    expect(loggedOff.sort()).toEqual(['u1', 'u2', 'u3']);
  });
});
