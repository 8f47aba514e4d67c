import { KcError } from '@kgc/soap';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from './cli.js';
import { DeliveryError, EXIT, type FailureKind, fromServerError, smtpError, smtpReply } from './errors.js';

describe('one failure → one LMTP reply', () => {
  it.each([
    ['unknown-user', 550, '5.1.1'],
    ['ambiguous', 550, '5.1.4'],
    ['bad-address', 553, '5.1.3'],
    ['over-quota', 552, '5.2.2'],
    ['store-full', 452, '4.2.2'],
    ['too-big', 552, '5.3.4'],
    ['temporary', 451, '4.3.0'],
  ] as Array<[FailureKind, number, string]>)('%s → %i %s', (kind, code, enhanced) => {
    expect(smtpReply(kind)).toMatchObject({ code, enhanced });
    const e = smtpError(kind, 'a@b.example');
    expect(e.responseCode).toBe(code);
    expect(e.message.startsWith(`${enhanced} <a@b.example> `)).toBe(true);
  });
});

describe('server errors', () => {
  it.each([
    [new KcError('KCERR_NOT_FOUND'), 'unknown-user', 'unknown-user'],
    [new KcError('KCERR_NOT_FOUND'), 'temporary', 'temporary'],
    [new KcError('KCERR_COLLISION'), 'unknown-user', 'ambiguous'],
    [new KcError('KCERR_COLLISION'), 'temporary', 'temporary'],
    [new KcError('KCERR_STORE_FULL'), 'temporary', 'store-full'],
    [new KcError('KCERR_TOO_BIG'), 'temporary', 'too-big'],
    [new KcError('KCERR_NETWORK_ERROR'), 'unknown-user', 'temporary'],
    [new KcError('KCERR_DATABASE_ERROR'), 'unknown-user', 'temporary'],
    [new KcError('KCERR_LOGON_FAILED'), 'unknown-user', 'temporary'],
    [new KcError('KCERR_NO_ACCESS'), 'unknown-user', 'temporary'],
    [new Error('socket hang up'), 'unknown-user', 'temporary'],
    ['a string', 'unknown-user', 'temporary'],
    [new DeliveryError('over-quota'), 'temporary', 'over-quota'],
  ] as Array<[unknown, FailureKind, FailureKind]>)('%#: %s', (e, notFound, expected) => {
    expect(fromServerError(e, notFound).kind).toBe(expected);
  });
});

describe('CLI exit codes', () => {
  it.each([
    [['delivered'], EXIT.ok],
    [['delivered', 'unknown-user'], EXIT.noUser],
    [['ambiguous'], EXIT.noUser],
    [['unknown-user', 'temporary', 'delivered'], EXIT.tempFail],
    [['store-full', 'over-quota'], EXIT.tempFail],
    [['over-quota', 'too-big'], EXIT.cantCreate],
    [['too-big'], EXIT.dataErr],
  ] as Array<[Array<FailureKind | 'delivered'>, number]>)('%j → %i', (kinds, code) => {
    expect(exitCodeFor(kinds)).toBe(code);
  });
});
