/**
 * Serialized ENVELOPE / BODY / BODYSTRUCTURE answers by store and message, shared by the sessions
 * of the process, least recently used out first, bounded by bytes. A message's structure never
 * changes, so entries need no invalidation; a hit saves the table query, which is most of a
 * `FETCH 1:* (ENVELOPE)` that a client repeats after every reconnect.
 */
import { ANSWER_CACHE_BYTES } from '../limits.js';
import { ByteLru } from '../store/byte-lru.js';

export type AnswerKind = 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE';

export class AnswerCache {
  private readonly lru: ByteLru<Buffer>;

  constructor(maxBytes = ANSWER_CACHE_BYTES) {
    this.lru = new ByteLru(maxBytes);
  }

  get(storeId: number, messageId: number, kind: AnswerKind): Buffer | undefined {
    return this.lru.get(`${storeId}:${messageId}:${kind}`);
  }

  set(storeId: number, messageId: number, kind: AnswerKind, answer: Buffer): void {
    const key = `${storeId}:${messageId}:${kind}`;
    this.lru.set(key, answer, answer.length + key.length);
  }

  get size(): number {
    return this.lru.size;
  }
}
