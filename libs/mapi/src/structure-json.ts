/**
 * JSON for the cached ENVELOPE / BODYSTRUCTURE data (which hold raw header bytes as Buffers):
 * Buffers become {"$b": "<base64>"} and come back as Buffers.
 */
export function structureToJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return Buffer.isBuffer(raw) ? { $b: raw.toString('base64') } : v;
  });
}

export function structureFromJson<T>(json: string): T {
  return JSON.parse(json, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && typeof o.$b === 'string') return Buffer.from(o.$b, 'base64');
    }
    return v;
  }) as T;
}
