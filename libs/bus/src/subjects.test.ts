import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Bus } from './bus.js';
import { encodeOutgoing, readIncoming, readReply } from './codec.js';
import { BusError } from './errors.js';
import type { PresenceNotice, QuotaNotice, SearchReply, StoreChanged } from './payloads.js';
import {
  decodeSubjectToken,
  encodeSubjectToken,
  isValidPattern,
  isValidSubject,
  splitSubject,
  subjectMatches,
} from './subject-syntax.js';
import { subjects } from './subjects.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('subject syntax', () => {
  it.each([
    ['kgc.store.*.changed', 'kgc.store.12.changed', true],
    ['kgc.store.*.changed', 'kgc.store.12.deleted', false],
    ['kgc.store.*.changed', 'kgc.store.changed', false],
    ['kgc.>', 'kgc.quota.warn', true],
    ['kgc.>', 'kgc', false],
    ['kgc.quota.*', 'kgc.quota.warn.extra', false],
    ['kgc.quota.warn', 'kgc.quota.warn', true],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(splitSubject(pattern), splitSubject(subject))).toBe(expected);
  });

  it('accepts and rejects subjects and patterns', () => {
    expect(isValidSubject('kgc.store.1.changed')).toBe(true);
    for (const bad of ['kgc..x', 'kgc.*', 'kgc.>', 'kgc.a b', '', 'kgc.']) expect(isValidSubject(bad)).toBe(false);
    expect(isValidPattern('kgc.*.x.>')).toBe(true);
    for (const bad of ['kgc.>.x', 'kgc.a*', 'kgc..*', 'kgc.x>']) expect(isValidPattern(bad)).toBe(false);
  });

  it('encodes any user name into one token and back', () => {
    for (const user of ['john.doe@example.com', 'a*b>c', 'ünï cödé', '%41', 'x.y.z']) {
      const token = encodeSubjectToken(user);
      expect(token).not.toMatch(/[.*> ]/);
      expect(isValidSubject(`kgc.presence.${token}`)).toBe(true);
      expect(decodeSubjectToken(token)).toBe(user);
    }
    expect(subjects.presence('john.doe@example.com')).toBe('kgc.presence.john%2Edoe%40example%2Ecom');
  });

  it('builders refuse parameters that cannot form a subject', () => {
    expect(() => subjects.storeChanged(-1)).toThrow(BusError);
    expect(() => subjects.storeChanged(1.5)).toThrow(BusError);
    expect(() => subjects.presence('')).toThrow(BusError);
    expect(() => subjects.presence('\ud800')).toThrow(BusError);
  });
});

describe('payload validation', () => {
  it('accepts a valid notice and strips unknown keys', () => {
    const r = readIncoming('event', 'kgc.store.3.changed', bytes('{"storeId":3,"modseq":7,"extra":"x"}'));
    expect(r).toEqual({ ok: true, value: { storeId: 3, modseq: 7 } });
  });

  it.each([
    ['not JSON', 'kgc.store.3.changed', '{oops'],
    ['wrong type', 'kgc.store.3.changed', '{"storeId":"3","modseq":7}'],
    ['negative id', 'kgc.store.3.changed', '{"storeId":3,"modseq":-1}'],
    ['subject/payload disagree', 'kgc.store.3.changed', '{"storeId":4,"modseq":7}'],
    ['quota level mismatch', 'kgc.quota.warn', '{"userId":1,"storeId":2,"level":"hard","size":5}'],
    ['presence user mismatch', 'kgc.presence.bob', '{"user":"alice","status":"online","ts":1}'],
    ['unknown subject', 'kgc.unknown', '{}'],
    ['work item on an event subject', 'kgc.mail.submitted', '{"storeId":1,"queueId":2}'],
    ['JSON null', 'kgc.quota.warn', 'null'],
  ])('rejects %s', (_what, subject, text) => {
    expect(readIncoming('event', subject, bytes(text)).ok).toBe(false);
  });

  it('rejects invalid UTF-8 and oversized payloads', () => {
    expect(readIncoming('event', 'kgc.store.1.changed', new Uint8Array([0x7b, 0xff, 0x7d])).ok).toBe(false);
    expect(readIncoming('event', 'kgc.store.1.changed', new Uint8Array(70_000).fill(0x20)).ok).toBe(false);
  });

  it('validates replies against the reply schema', () => {
    expect(readReply('kgc.search.query', bytes('{"ids":[1,2]}'))).toEqual({ ok: true, value: { ids: [1, 2] } });
    expect(readReply('kgc.search.query', bytes('{"ids":["1"]}')).ok).toBe(false);
  });

  it('refuses to encode invalid outgoing payloads with a typed error', () => {
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof BusError ? err.code : 'other';
      }
      return 'ok';
    };
    expect(attempt(() => encodeOutgoing('event', 'kgc.store.1.changed', { storeId: 1, modseq: 2 }))).toBe('ok');
    expect(attempt(() => encodeOutgoing('event', 'kgc.store.1.changed', { storeId: 1, modseq: Number.NaN }))).toBe(
      'INVALID_PAYLOAD',
    );
    expect(attempt(() => encodeOutgoing('event', 'kgc.store.*.changed', { storeId: 1, modseq: 2 }))).toBe(
      'INVALID_SUBJECT',
    );
    expect(attempt(() => encodeOutgoing('work', 'kgc.store.1.changed', { storeId: 1, modseq: 2 }))).toBe(
      'INVALID_SUBJECT',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(attempt(() => encodeOutgoing('event', 'kgc.store.1.changed', cyclic))).toBe('INVALID_PAYLOAD');
  });
});

describe('type map', () => {
  it('types payloads per subject', () => {
    // Compile-time checks (run by `tsc -p tsconfig.json`); the function is never called.
    const typed = (bus: Bus) => {
      bus.publish(subjects.storeChanged(1), { storeId: 1, modseq: 2 });
      bus.publish('kgc.quota.warn', { userId: 1, storeId: 1, level: 'warn', size: 10 });
      // @ts-expect-error missing modseq
      bus.publish(subjects.storeChanged(1), { storeId: 1 });
      // @ts-expect-error quota payload on a store subject
      bus.publish('kgc.store.1.changed', { userId: 1, storeId: 1, level: 'warn', size: 1 });
      // @ts-expect-error not a subject of the bus
      bus.publish('kgc.nope', {});
      // @ts-expect-error events cannot be enqueued
      void bus.enqueue('kgc.store.1.changed', { storeId: 1, modseq: 2 });
      bus.subscribe(subjects.allQuota, (p) => {
        expectTypeOf(p).toEqualTypeOf<QuotaNotice>();
      });
      bus.subscribe('kgc.store.*.changed', (p) => {
        expectTypeOf(p).toEqualTypeOf<StoreChanged>();
      });
      bus.subscribe(subjects.presence('bob'), (p) => {
        expectTypeOf(p).toEqualTypeOf<PresenceNotice>();
      });
      void bus.consume('kgc.mail.submitted', {
        durable: 'spooler',
        handler: (p) => {
          expectTypeOf(p.queueId).toEqualTypeOf<number>();
        },
      });
      const reply = bus.request('kgc.search.query', { storeId: 1, query: 'x' }, { timeoutMs: 1 });
      expectTypeOf(reply).toEqualTypeOf<Promise<SearchReply>>();
    };
    expect(typeof typed).toBe('function');
  });
});
