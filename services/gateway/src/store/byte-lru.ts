/**
 * A map bounded by the bytes of its values, least recently used out first: the gateway's
 * per-process caches (bodies, header fields, serialized structure answers) are all one of these.
 * Values larger than a quarter of the budget are not kept (one would push out everything else).
 */
export class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e?.value;
  }

  /** `size`: what the entry costs against the budget (its bytes, or an estimate). */
  set(key: string, value: V, size: number): void {
    if (size > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.size;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, size });
    this.bytes += size;
    this.evict();
  }

  /** A kept entry's value in another form (parsed, say), where it stands in the order; false when not kept. */
  replace(key: string, value: V, size: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.bytes += size - e.size;
    e.value = value;
    e.size = size;
    this.evict();
    return true;
  }

  private evict(): void {
    if (this.bytes <= this.maxBytes) return;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.size;
    }
  }

  /** Bytes held. */
  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.size;
  }

  get size(): number {
    return this.bytes;
  }
}
