import { KcError } from '@kgc/soap';
import { describe, expect, it } from 'vitest';
import { renderTable, renderUsers } from './console-table.js';
import { codeString, perror } from './fault-text.js';
import { formatStorage, mbToBytes } from './format.js';

describe('mbToBytes', () => {
  it('converts whole MiB', () => {
    expect(mbToBytes(0)).toBe(0);
    expect(mbToBytes(1)).toBe(1_048_576);
    expect(mbToBytes(100)).toBe(104_857_600);
    expect(mbToBytes(4096)).toBe(4_294_967_296);
  });
  it('refuses what is not a safe whole number of bytes', () => {
    expect(() => mbToBytes(-1)).toThrow(RangeError);
    expect(() => mbToBytes(1.5)).toThrow(RangeError);
    expect(() => mbToBytes(2 ** 53)).toThrow(RangeError);
  });
});

describe('formatStorage (KGC str_storage)', () => {
  it.each([
    [0, true, 'unlimited'],
    [0, false, '0.00 MB'],
    [1_048_576, true, '1.00 MB'],
    [1_289_748, true, '1.23 MB'],
    [512, true, '0.00 MB'],
    [5_242_880, true, '5.00 MB'],
    [10 * 1024 ** 3, true, '10240.00 MB'],
  ])('%d bytes (unlimited=%s) -> %s', (bytes, unlimited, text) => {
    expect(formatStorage(bytes, unlimited)).toBe(text);
  });
});

describe('renderTable (KGC ConsoleTable)', () => {
  it('pads to 8-column tab stops and underlines the header', () => {
    expect(
      renderUsers([
        { username: 'alice', fullName: 'Alice A' },
        { username: 'bartholomew', fullName: 'Bart' },
      ]),
    ).toEqual([
      '\tUsername\tFullname\t',
      `\t${'-'.repeat(11 + 8 + 8)}`,
      '\talice\t\tAlice A\t',
      '\tbartholomew\tBart\t',
    ]);
  });
  it('prints rows without a header', () => {
    expect(
      renderTable(null, [
        ['-l', 'List users.'],
        ['--list-sendas name', 'List.'],
      ]),
    ).toEqual(['\t-l\t\t\tList users.\t', '\t--list-sendas name\tList.\t']);
  });
  it('prints an empty user list as header and rule only', () => {
    expect(renderUsers([])).toEqual(['\tUsername\tFullname\t', `\t${'-'.repeat(8 + 8 + 8)}`]);
  });
});

describe('error texts', () => {
  it('names the object for not found / collision / no access, like getMapiCodeString', () => {
    expect(codeString(new KcError('KCERR_NOT_FOUND', 'no such user'), 'bob')).toBe('"bob" not found');
    expect(codeString(new KcError('KCERR_COLLISION'), 'bob')).toBe('"bob" already exists');
    expect(codeString(new KcError('KCERR_NO_ACCESS'), 'bob')).toBe('no access "bob"');
  });
  it('gives description, code and the server detail otherwise', () => {
    expect(codeString(new KcError('KCERR_INVALID_PARAMETER', 'email: not an address'), 'bob')).toBe(
      'missing or invalid argument (KCERR_INVALID_PARAMETER: email: not an address)',
    );
    expect(perror('Unable to list users', new KcError('KCERR_NETWORK_ERROR'))).toBe(
      'Unable to list users: network error (KCERR_NETWORK_ERROR)',
    );
  });
});
