import { describe, expect, it } from 'vitest';
import { splitPlus } from './recipients.js';

describe('splitPlus', () => {
  it.each([
    ['user+lists@example.com', '+', { base: 'user@example.com', extension: 'lists' }],
    ['user+a+b@example.com', '+', { base: 'user@example.com', extension: 'a+b' }],
    ['user-lists@example.com', '-', { base: 'user@example.com', extension: 'lists' }],
    ['user--x@example.com', '--', { base: 'user@example.com', extension: 'x' }],
    ['user+lists', '+', { base: 'user', extension: 'lists' }],
    ['user+@example.com', '+', null],
    ['+lists@example.com', '+', null],
    ['user@example.com', '+', null],
    ['user+lists@example.com', '', null],
    ['a+b@c+d.example', '+', { base: 'a@c+d.example', extension: 'b' }],
    [`user+${'x'.repeat(300)}@example.com`, '+', null],
  ])('%s (%s)', (address, delimiter, expected) => {
    expect(splitPlus(address, delimiter)).toEqual(expected);
  });
});
