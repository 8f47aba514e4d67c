/**
 * Serialized ENVELOPE / BODY / BODYSTRUCTURE answers by store and message, shared by the sessions
 * of the process, least recently used out first, bounded by bytes. A message's structure never
 * changes, so entries need no invalidation; a hit saves the table query and the JSON work, which
 * is most of a `FETCH 1:* (ENVELOPE)` that a client repeats after every reconnect.
 */
import { ANSWER_CACHE_BYTES } from '../limits.js';

export type AnswerKind = 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE';

export class AnswerCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = ANSWER_CACHE_BYTES) {}

  get(storeId: number, messageId: number, kind: AnswerKind): Buffer | undefined {
    const key = `${storeId}:${messageId}:${kind}`;
    const v = this.entries.get(key);
    if (v) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(storeId: number, messageId: number, kind: AnswerKind, answer: Buffer): void {
    const key = `${storeId}:${messageId}:${kind}`;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.length + key.length;
      this.entries.delete(key);
    }
    this.entries.set(key, answer);
    this.bytes += answer.length + key.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length + k.length;
    }
  }

  get size(): number {
    return this.bytes;
  }
}
