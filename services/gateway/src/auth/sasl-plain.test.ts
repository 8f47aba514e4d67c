import { describe, expect, it } from 'vitest';
import { decodeSaslPlain } from './sasl-plain.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('decodeSaslPlain', () => {
  it.each([
    ['\0alice\0secret', 'alice', 'secret'],
    ['alice\0alice\0secret', 'alice', 'secret'],
    ['\0jürgen\0pässwörd with spaces', 'jürgen', 'pässwörd with spaces'],
  ])('%j', (raw, username, password) => {
    expect(decodeSaslPlain(b64(raw))).toEqual({ ok: true, credentials: { username, password } });
  });

  it.each([
    ['not base64!', 'invalid base64'],
    ['YWJj=', 'invalid base64'],
    [b64('alice secret'), 'malformed PLAIN response'],
    [b64('\0alice'), 'malformed PLAIN response'],
    [b64('\0a\0b\0c'), 'malformed PLAIN response'],
    [b64('\0\0secret'), 'empty user name or password'],
    [b64('\0alice\0'), 'empty user name or password'],
    [b64('bob\0alice\0secret'), 'authorization identity not permitted'],
    [Buffer.from([0, 0xff, 0xfe, 0, 0x41]).toString('base64'), 'PLAIN response is not UTF-8'],
    ['', 'malformed PLAIN response'],
  ])('%j → %s', (response, error) => {
    const authorization = error === 'authorization identity not permitted' ? { authorization: true } : {};
    expect(decodeSaslPlain(response)).toEqual({ ok: false, error, ...authorization });
  });
});
