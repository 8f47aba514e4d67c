import { describe, expect, it } from 'vitest';
import { parseCommand } from './command.js';

const p = (s: string) => parseCommand(Buffer.from(s, 'latin1'));

describe('parseCommand', () => {
  const good: Array<[string, unknown]> = [
    ['CAPA', { name: 'CAPA' }],
    ['capa', { name: 'CAPA' }],
    ['StAt', { name: 'STAT' }],
    ['QUIT', { name: 'QUIT' }],
    ['USER alice', { name: 'USER', user: 'alice' }],
    ['USER alice@example.com', { name: 'USER', user: 'alice@example.com' }],
    // RFC 2449's 40-octet arguments bind clients; a login name may be a long address.
    [`USER ${'a'.repeat(60)}@example.com`, { name: 'USER', user: `${'a'.repeat(60)}@example.com` }],
    ['TOP 1 2147483647', { name: 'TOP', msg: 1, lines: 2147483647 }],
    ['TOP 1 99999999999999999999', { name: 'TOP', msg: 1, lines: Number.MAX_SAFE_INTEGER }],
    ['PASS secret with spaces ', { name: 'PASS', password: 'secret with spaces ' }],
    ['PASS  leading', { name: 'PASS', password: ' leading' }],
    ['LIST', { name: 'LIST' }],
    ['LIST 2', { name: 'LIST', msg: 2 }],
    ['UIDL 10', { name: 'UIDL', msg: 10 }],
    ['RETR 1', { name: 'RETR', msg: 1 }],
    ['DELE 3', { name: 'DELE', msg: 3 }],
    ['TOP 1 0', { name: 'TOP', msg: 1, lines: 0 }],
    ['TOP 1 10', { name: 'TOP', msg: 1, lines: 10 }],
    ['AUTH', { name: 'AUTH' }],
    ['AUTH plain', { name: 'AUTH', mechanism: 'PLAIN' }],
    ['AUTH PLAIN AGFsaWNlAHNlY3JldA==', { name: 'AUTH', mechanism: 'PLAIN', initial: 'AGFsaWNlAHNlY3JldA==' }],
    ['AUTH PLAIN =', { name: 'AUTH', mechanism: 'PLAIN', initial: '=' }],
    ['RETR  1', { name: 'RETR', msg: 1 }],
  ];
  it.each(good)('%j', (line, command) => {
    expect(p(line)).toEqual({ ok: true, command });
  });

  const bad: Array<[string, string, boolean]> = [
    ['', 'unknown command', true],
    ['XYZZY', 'unknown command', true],
    ['HELO x', 'unknown command', true],
    ['GET / HTTP/1.1', 'unknown command', true],
    ['\xff\xfe\xfd', 'unknown command', true],
    [' STAT', 'unknown command', true],
    ['ST\x00T', 'unknown command', true],
    ['STAT 1', 'STAT takes no arguments', false],
    ['QUIT now', 'QUIT takes no arguments', false],
    ['USER', 'USER takes one argument', false],
    ['USER a b', 'USER takes one argument', false],
    [`LIST ${'1'.repeat(41)}`, 'argument too long', false],
    [`TOP 1 ${'1'.repeat(21)}`, 'invalid line count', false],
    ['USER a\x01', 'control characters in arguments', false],
    ['PASS', 'password required', false],
    ['RETR', 'RETR takes one message number', false],
    ['RETR 0', 'invalid message number', false],
    ['RETR -1', 'invalid message number', false],
    ['RETR 1.5', 'invalid message number', false],
    ['RETR 0x10', 'invalid message number', false],
    ['RETR 99999999999999999999', 'invalid message number', false],
    ['RETR 999999999', 'invalid message number', false],
    ['RETR 1 2', 'RETR takes one message number', false],
    ['DELE', 'DELE takes one message number', false],
    ['LIST 1 2', 'LIST takes at most one argument', false],
    ['LIST abc', 'invalid message number', false],
    ['TOP 1', 'TOP takes a message number and a line count', false],
    ['TOP 1 -1', 'invalid line count', false],
    ['TOP x 1', 'invalid message number', false],
    ['AUTH PLAIN a b', 'AUTH takes a mechanism and an optional initial response', false],
  ];
  it.each(bad)('%j → %s', (line, error, unknown) => {
    expect(p(line)).toEqual({ ok: false, error, unknown });
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const words = ['USER', 'PASS', 'RETR', 'TOP', 'LIST', 'AUTH', 'UIDL', ' ', '1', '-', '\x00', '\xff', '99999'];
    for (let i = 0; i < 5000; i++) {
      const parts: string[] = [];
      const n = rnd() % 6;
      for (let j = 0; j < n; j++) {
        parts.push(rnd() % 3 === 0 ? String.fromCharCode(rnd() % 256) : (words[rnd() % words.length] as string));
      }
      const r = p(parts.join(rnd() % 2 ? ' ' : ''));
      expect(typeof r.ok).toBe('boolean');
    }
  });
});
