import type { Entry } from 'ldapts';
import type { DirectoryQuota, Feature } from './user-plugin.js';

/** Case-insensitive, string-valued view of one search entry (servers may echo attribute names in any case). */
export class EntryView {
  readonly dn: string;
  readonly #values = new Map<string, string[]>();

  constructor(entry: Entry) {
    this.dn = entry.dn;
    for (const [name, raw] of Object.entries(entry)) {
      if (name === 'dn') continue;
      const list: (string | Buffer)[] = Array.isArray(raw) ? [...raw] : [raw];
      const values = list.map((value) => (typeof value === 'string' ? value : value.toString('utf8')));
      const key = name.toLowerCase();
      this.#values.set(key, [...(this.#values.get(key) ?? []), ...values]);
    }
  }

  /** All values; [] when the attribute is absent or not mapped (''). */
  all(attribute: string): string[] {
    if (attribute === '') return [];
    return this.#values.get(attribute.toLowerCase()) ?? [];
  }

  first(attribute: string): string | null {
    return this.all(attribute)[0] ?? null;
  }
}

/**
 * KGC's reading of flag attributes (kopanoAdmin, kopanoSharedStoreOnly, kopanoQuotaOverride):
 * a number counts when it is not 0, a word when it is yes/true/on. Absent = false.
 */
export function parseFlag(value: string | null): boolean {
  if (value === null) return false;
  const text = value.trim().toLowerCase();
  if (/^[+-]?\d+$/.test(text)) return Number.parseInt(text, 10) !== 0;
  return text === 'yes' || text === 'true' || text === 'on';
}

/** A quota attribute in bytes: value × multiplier; absent or unparsable = 0 (no limit). */
export function parseQuotaBytes(value: string | null, multiplier: number): number {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return 0;
  return Math.min(Number.parseInt(value, 10) * multiplier, Number.MAX_SAFE_INTEGER);
}

export interface QuotaAttributes {
  override: string;
  warn: string;
  soft: string;
  hard: string;
  multiplier: number;
}

/** null when the entry has none of the quota attributes (the server defaults apply). */
export function readQuota(entry: EntryView, attrs: QuotaAttributes): DirectoryQuota | null {
  const override = entry.first(attrs.override);
  const warn = entry.first(attrs.warn);
  const soft = entry.first(attrs.soft);
  const hard = entry.first(attrs.hard);
  if (override === null && warn === null && soft === null && hard === null) return null;
  return {
    override: parseFlag(override),
    warn: parseQuotaBytes(warn, attrs.multiplier),
    soft: parseQuotaBytes(soft, attrs.multiplier),
    hard: parseQuotaBytes(hard, attrs.multiplier),
  };
}

const FEATURES: readonly Feature[] = ['imap', 'pop3'];

/** Known feature names, lower-cased and without duplicates; others (KGC also had e.g. "mobile") are dropped. */
export function readFeatures(values: string[]): Feature[] {
  const wanted = new Set(values.map((value) => value.trim().toLowerCase()));
  return FEATURES.filter((feature) => wanted.has(feature));
}
