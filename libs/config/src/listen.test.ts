import { describe, expect, it } from 'vitest';
import { formatListen, type Listener, parseListen } from './listen.js';

describe('parseListen', () => {
  const good: Array<[string, Listener[]]> = [
    ['', []],
    ['   ', []],
    ['*:143', [{ host: '*', port: 143 }]],
    ['*%lo:236', [{ host: '*', port: 236, iface: 'lo' }]],
    ['127.0.0.1:2003', [{ host: '127.0.0.1', port: 2003 }]],
    ['localhost:0', [{ host: 'localhost', port: 0 }]],
    ['mail.example.org:993', [{ host: 'mail.example.org', port: 993 }]],
    ['[::1]:143', [{ host: '::1', port: 143 }]],
    ['[::]%eth0:110', [{ host: '::', port: 110, iface: 'eth0' }]],
    ['unix:/var/run/kopano/server.sock', [{ path: '/var/run/kopano/server.sock' }]],
    [
      '*%lo:236  unix:/run/s.sock\t[2001:db8::1]:65535',
      [{ host: '*', port: 236, iface: 'lo' }, { path: '/run/s.sock' }, { host: '2001:db8::1', port: 65535 }],
    ],
  ];
  it.each(good)('parses %j', (text, expected) => {
    expect(parseListen(text)).toEqual({ ok: true, value: expected });
  });

  const bad: Array<[string, RegExp]> = [
    ['143', /expected host:port/],
    ['*:', /expected ":port"/],
    ['*:http', /expected ":port"/],
    ['*:65536', /between 0 and 65535/],
    ['*:123456', /expected ":port"/],
    [':143', /not a valid host/],
    ['::1:143', /must be written in brackets/],
    ['[::1:143', /missing "\]"/],
    ['[example]:143', /not an IPv6 address/],
    ['[::1]143', /expected ":port"/],
    ['*%:236', /interface name/],
    ['ho$t:25', /not a valid host/],
    ['unix:', /needs a socket path/],
    ['*:143 bogus', /"bogus"/],
  ];
  it.each(bad)('rejects %j', (text, message) => {
    const result = parseListen(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it.each(good)('formats %j back to an equivalent string', (text) => {
    const first = parseListen(text);
    if (!first.ok) throw new Error(first.error);
    expect(parseListen(formatListen(first.value))).toEqual(first);
  });
});
