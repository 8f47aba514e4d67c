/**
 * Raw messages by store and message id, least recently used out first, bounded by total bytes.
 * A message's bytes never change (a flag change keeps them, an edit makes a new message), so
 * entries need no invalidation. Keys include the store: a session only ever asks for message ids
 * of its own store's folders.
 */
import { BODY_CACHE_BYTES } from '../limits.js';
import { ByteLru } from './byte-lru.js';

export class BodyCache {
  private readonly lru: ByteLru<Buffer>;

  constructor(maxBytes = BODY_CACHE_BYTES) {
    this.lru = new ByteLru(maxBytes);
  }

  get(storeId: number, messageId: number): Buffer | undefined {
    return this.lru.get(`${storeId}:${messageId}`);
  }

  set(storeId: number, messageId: number, raw: Buffer): void {
    this.lru.set(`${storeId}:${messageId}`, raw, raw.length);
  }

  get size(): number {
    return this.lru.size;
  }
}
