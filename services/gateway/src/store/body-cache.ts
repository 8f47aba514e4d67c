/**
 * Raw messages by store and message id, least recently used out first, bounded by total bytes.
 * A message's bytes never change (a flag change keeps them, an edit makes a new message), so
 * entries need no invalidation. Keys include the store: a session only ever asks for message ids
 * of its own store's folders.
 */
import { BODY_CACHE_BYTES } from '../limits.js';

export class BodyCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = BODY_CACHE_BYTES) {}

  get(storeId: number, messageId: number): Buffer | undefined {
    const key = `${storeId}:${messageId}`;
    const v = this.entries.get(key);
    if (v) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(storeId: number, messageId: number, raw: Buffer): void {
    // One message larger than a quarter of the cache would push out everything else.
    if (raw.length > this.maxBytes / 4) return;
    const key = `${storeId}:${messageId}`;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.length;
      this.entries.delete(key);
    }
    this.entries.set(key, raw);
    this.bytes += raw.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  get size(): number {
    return this.bytes;
  }
}
