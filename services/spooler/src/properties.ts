/**
 * Message properties the spooler reads and writes: the SMTP envelope of a message that came in
 * over submission (set by the server's submitRawMessage), and the recipients still to do after a
 * partly failed attempt (so a retry never sends twice to a recipient the relay already took).
 */
import type { Output } from '@kgc/soap';

type Prop = Output<'loadObject'>['message']['props'][number];

export const ENVELOPE_PROPERTY = 'kgc:smtp-envelope';
export const PENDING_PROPERTY = 'kgc:spooler-pending';

export interface StoredEnvelope {
  from: string;
  to: string[];
}

function json(props: readonly Prop[], name: string): unknown {
  const v = props.find((p) => p.name === name)?.value;
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The stored envelope, or null when absent or malformed (then the header decides). */
export function storedEnvelope(props: readonly Prop[]): StoredEnvelope | null {
  const v = json(props, ENVELOPE_PROPERTY);
  if (typeof v !== 'object' || v === null) return null;
  const { from, to } = v as { from?: unknown; to?: unknown };
  return typeof from === 'string' && isStringArray(to) ? { from, to } : null;
}

/** Recipients left after an earlier partial attempt, or null when there was none. */
export function pendingRecipients(props: readonly Prop[]): string[] | null {
  const v = json(props, PENDING_PROPERTY);
  return isStringArray(v) ? v : null;
}
