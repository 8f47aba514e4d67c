import { describe, expect, it } from 'vitest';
import { LOG_LEVEL_VALUES, parseLogLevel } from './levels.js';

describe('parseLogLevel', () => {
  it.each([
    [0, 'fatal'],
    [1, 'fatal'],
    [2, 'error'],
    [3, 'warn'],
    [4, 'info'],
    [5, 'info'],
    [6, 'debug'],
    ['3', 'warn'],
    [' 6 ', 'debug'],
    ['fatal', 'fatal'],
    ['error', 'error'],
    ['WARN', 'warn'],
    ['warning', 'warn'],
    ['notice', 'info'],
    ['Info', 'info'],
    ['debug', 'debug'],
    ['trace', 'trace'],
    ['silent', 'silent'],
  ])('%j -> %s', (input, expected) => {
    expect(parseLogLevel(input)).toBe(expected);
  });

  it.each([7, -1, 2.5, '', 'verbose', '03', 'constructor', 'toString'])('rejects %j', (input) => {
    expect(parseLogLevel(input)).toBeUndefined();
  });

  it('maps every listed value', () => {
    for (const value of LOG_LEVEL_VALUES) expect(parseLogLevel(value)).toBeDefined();
  });
});
