import type { z } from 'zod';
import { BusError, describeError } from './errors.js';
import {
  type MailSubmitted,
  mailSubmittedSchema,
  type PresenceNotice,
  presenceNoticeSchema,
  type QuotaLevel,
  type QuotaNotice,
  quotaNoticeSchema,
  type SearchIndex,
  type SearchQuery,
  type SearchReply,
  type StoreChanged,
  searchIndexSchema,
  searchQuerySchema,
  searchReplySchema,
  storeChangedSchema,
} from './payloads.js';
import { encodeSubjectToken, splitSubject } from './subject-syntax.js';

/*
 * Every bus subject, defined once. The type maps below make `publish`, `subscribe`, `request`,
 * `enqueue` and `consume` type-check the payload per subject; `subjectFamilies` is the runtime twin
 * used to validate what arrives from the network.
 */

export type StoreChangedSubject = `kgc.store.${number}.changed`;
export type QuotaSubject = `kgc.quota.${QuotaLevel}`;
export type PresenceSubject = `kgc.presence.${string}`;

/** Fan-out notices: concrete subject → payload. */
export type EventMap = { [S in StoreChangedSubject]: StoreChanged } & { [S in QuotaSubject]: QuotaNotice } & {
  [S in PresenceSubject]: PresenceNotice;
};
export type EventSubject = keyof EventMap;

/** Wildcard patterns a subscriber may use, with the payload each one yields. */
export interface EventWildcardMap {
  'kgc.store.*.changed': StoreChanged;
  'kgc.quota.*': QuotaNotice;
  'kgc.presence.*': PresenceNotice;
}
export type EventPatternMap = EventMap & EventWildcardMap;
export type EventPattern = keyof EventPatternMap;

/** Work items: exactly one consumer of the durable group handles each, with ack and redelivery. */
export interface WorkMap {
  'kgc.mail.submitted': MailSubmitted;
  'kgc.search.index': SearchIndex;
}
export type WorkSubject = keyof WorkMap;

/** Request/reply subjects. */
export interface RequestMap {
  'kgc.search.query': { request: SearchQuery; reply: SearchReply };
}
export type RequestSubject = keyof RequestMap;

/** Subject builders: use these rather than string templates, they encode and check the parameters. */
export const subjects = {
  storeChanged(storeId: number): StoreChangedSubject {
    if (!Number.isSafeInteger(storeId) || storeId < 0) {
      throw new BusError('INVALID_SUBJECT', `store id must be a non-negative integer, got ${storeId}`);
    }
    return `kgc.store.${storeId}.changed`;
  },
  quota(level: QuotaLevel): QuotaSubject {
    return `kgc.quota.${level}`;
  },
  presence(user: string): PresenceSubject {
    try {
      if (user === '') throw new Error('empty user');
      return `kgc.presence.${encodeSubjectToken(user)}`;
    } catch (err) {
      throw new BusError('INVALID_SUBJECT', `cannot build a presence subject: ${describeError(err)}`, { cause: err });
    }
  },
  allStoreChanges: 'kgc.store.*.changed',
  allQuota: 'kgc.quota.*',
  allPresence: 'kgc.presence.*',
  mailSubmitted: 'kgc.mail.submitted',
  searchIndex: 'kgc.search.index',
  searchQuery: 'kgc.search.query',
} as const;

export type SubjectKind = 'event' | 'work' | 'request';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Runtime description of one subject family. */
export interface SubjectFamily {
  readonly name: string;
  readonly kind: SubjectKind;
  /** The family's pattern, `*` where the subject carries a parameter. */
  readonly pattern: string;
  readonly patternTokens: readonly string[];
  /** Validates a payload (request payload for request subjects) against the schema and the subject parameters. */
  check(value: unknown, params: readonly string[]): Checked<unknown>;
  /** Validates a reply (request subjects only). */
  checkReply(value: unknown): Checked<unknown>;
}

function schemaCheck<T>(schema: z.ZodType<T>, value: unknown): Checked<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const reason = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, reason };
}

function family<T, R = never>(def: {
  name: string;
  kind: SubjectKind;
  pattern: string;
  schema: z.ZodType<T>;
  replySchema?: z.ZodType<R>;
  /** Whether the payload agrees with the subject's `*` parameters. */
  agrees?: (payload: T, params: readonly string[]) => boolean;
}): SubjectFamily {
  return {
    name: def.name,
    kind: def.kind,
    pattern: def.pattern,
    patternTokens: splitSubject(def.pattern),
    check(value, params) {
      const r = schemaCheck(def.schema, value);
      if (r.ok && def.agrees && !def.agrees(r.value, params)) {
        return { ok: false, reason: 'payload does not agree with the subject parameters' };
      }
      return r;
    },
    checkReply(value) {
      return def.replySchema ? schemaCheck(def.replySchema, value) : { ok: false, reason: 'subject has no reply' };
    },
  };
}

export const subjectFamilies: readonly SubjectFamily[] = [
  family({
    name: 'store.changed',
    kind: 'event',
    pattern: 'kgc.store.*.changed',
    schema: storeChangedSchema,
    agrees: (p, [storeId]) => String(p.storeId) === storeId,
  }),
  family({
    name: 'quota',
    kind: 'event',
    pattern: 'kgc.quota.*',
    schema: quotaNoticeSchema,
    agrees: (p, [level]) => p.level === level,
  }),
  family({
    name: 'presence',
    kind: 'event',
    pattern: 'kgc.presence.*',
    schema: presenceNoticeSchema,
    agrees: (p, [user]) => encodeSubjectToken(p.user) === user,
  }),
  family({ name: 'mail.submitted', kind: 'work', pattern: 'kgc.mail.submitted', schema: mailSubmittedSchema }),
  family({ name: 'search.index', kind: 'work', pattern: 'kgc.search.index', schema: searchIndexSchema }),
  family({
    name: 'search.query',
    kind: 'request',
    pattern: 'kgc.search.query',
    schema: searchQuerySchema,
    replySchema: searchReplySchema,
  }),
];

/** All work subjects; the NATS transport captures them in its work-queue stream. */
export const workSubjects: readonly WorkSubject[] = ['kgc.mail.submitted', 'kgc.search.index'];
