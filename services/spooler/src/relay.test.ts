import { describe, expect, it } from 'vitest';
import { outcomesOfError, outcomesOfInfo } from './relay.js';

const err = (props: Record<string, unknown>) => Object.assign(new Error('failed'), props);

describe('relay outcomes', () => {
  it('per recipient after a send: accepted, and refusals by their code', () => {
    const out = outcomesOfInfo(['a@x', 'b@x', 'c@x'], {
      accepted: ['a@x'],
      response: '250 2.0.0 queued',
      rejectedErrors: [
        err({ code: 'EENVELOPE', recipient: 'b@x', responseCode: 550, response: '550 5.1.1 unknown' }),
        err({ code: 'EENVELOPE', recipient: 'c@x', responseCode: 451, response: '451 4.7.1 greylisted' }),
      ],
    });
    expect(out.map((o) => [o.rcpt, o.result, o.reply.code, o.reply.text])).toEqual([
      ['a@x', 'accepted', 250, '250 2.0.0 queued'],
      ['b@x', 'permanent', 550, '5.1.1 unknown'],
      ['c@x', 'temporary', 451, '4.7.1 greylisted'],
    ]);
  });

  it.each([
    ['connection refused', { code: 'ECONNECTION', message: 'connect ECONNREFUSED' }, 'temporary', 0],
    ['timeout', { code: 'ETIMEDOUT' }, 'temporary', 0],
    [
      'auth failure is ours, not the sender’s',
      { code: 'EAUTH', responseCode: 535, response: '535 bad' },
      'temporary',
      535,
    ],
    ['TLS failure', { code: 'ETLS' }, 'temporary', 0],
    [
      'MAIL FROM 5xx',
      { code: 'EENVELOPE', responseCode: 553, response: '553 sender refused', command: 'MAIL FROM' },
      'permanent',
      553,
    ],
    [
      'MAIL FROM 4xx',
      { code: 'EENVELOPE', responseCode: 451, response: '451 later', command: 'MAIL FROM' },
      'temporary',
      451,
    ],
    ['end of data 5xx', { code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 spam' }, 'permanent', 554],
    ['end of data 4xx', { code: 'EMESSAGE', responseCode: 452, response: '452 full' }, 'temporary', 452],
    ['not an Error at all', 'boom', 'temporary', 0],
  ])('a failed send: %s', (_name, e, result, code) => {
    const out = outcomesOfError(['a@x', 'b@x'], typeof e === 'string' ? e : err(e));
    expect(out.map((o) => [o.result, o.reply.code])).toEqual([
      [result, code],
      [result, code],
    ]);
  });

  it('every recipient refused: each keeps its own reply', () => {
    const e = err({
      code: 'EENVELOPE',
      responseCode: 451,
      rejectedErrors: [
        err({ code: 'EENVELOPE', recipient: 'a@x', responseCode: 550, response: '550 no' }),
        err({ code: 'EENVELOPE', recipient: 'b@x', responseCode: 451, response: '451 later' }),
      ],
    });
    expect(outcomesOfError(['a@x', 'b@x'], e).map((o) => o.result)).toEqual(['permanent', 'temporary']);
  });
});
