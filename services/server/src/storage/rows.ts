/** Row value helpers: drivers differ (mysql2 returns DECIMAL sums as strings, booleans as 0/1). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v);
  if (v === null || v === undefined) return 0;
  throw new TypeError(`not a number: ${String(v)}`);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 1n;
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function bufOrNull(v: unknown): Buffer | null {
  return v === null || v === undefined ? null : toBuffer(v);
}

/** Splits for `whereIn` / multi-row inserts (bind-parameter limits, packet sizes). */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

export function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError('not binary data');
}

/** Lower-cased key for case-insensitive unique columns (login names, folder names, addresses). */
export function foldKey(s: string): string {
  return s.normalize('NFC').toLowerCase();
}

/** C0 controls or DEL (not allowed in names). */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
