import { BusError } from './errors.js';
import { isValidSubject, splitSubject, subjectMatches, wildcardParams } from './subject-syntax.js';
import { type Checked, type SubjectFamily, type SubjectKind, subjectFamilies } from './subjects.js';

/** Notices are small. Anything bigger is data, which belongs in SQL, not on the bus. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

interface Resolved {
  family: SubjectFamily;
  params: string[];
}

export function resolveSubject(subject: string): Resolved | undefined {
  const tokens = splitSubject(subject);
  for (const family of subjectFamilies) {
    if (subjectMatches(family.patternTokens, tokens)) {
      return { family, params: wildcardParams(family.patternTokens, tokens) };
    }
  }
  return undefined;
}

function resolveKind(kind: SubjectKind, subject: string): Checked<Resolved> {
  const resolved = resolveSubject(subject);
  if (!resolved) return { ok: false, reason: 'unknown subject' };
  if (resolved.family.kind !== kind) {
    return { ok: false, reason: `subject is a ${resolved.family.kind} subject, not ${kind}` };
  }
  return { ok: true, value: resolved };
}

export function decodeJson(data: Uint8Array): Checked<unknown> {
  if (data.byteLength > MAX_PAYLOAD_BYTES)
    return { ok: false, reason: `payload larger than ${MAX_PAYLOAD_BYTES} bytes` };
  try {
    return { ok: true, value: JSON.parse(decoder.decode(data)) };
  } catch {
    return { ok: false, reason: 'payload is not UTF-8 JSON' };
  }
}

/** Validates an incoming payload (event, work item or request) for `subject`. Never throws. */
export function readIncoming(kind: SubjectKind, subject: string, data: Uint8Array): Checked<unknown> {
  const resolved = resolveKind(kind, subject);
  if (!resolved.ok) return resolved;
  const json = decodeJson(data);
  if (!json.ok) return json;
  return resolved.value.family.check(json.value, resolved.value.params);
}

/** Validates an incoming reply to a request on `subject`. Never throws. */
export function readReply(subject: string, data: Uint8Array): Checked<unknown> {
  const resolved = resolveKind('request', subject);
  if (!resolved.ok) return resolved;
  const json = decodeJson(data);
  return json.ok ? resolved.value.family.checkReply(json.value) : json;
}

function encodeChecked(subject: string, value: unknown, check: (json: unknown) => Checked<unknown>): Uint8Array {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new BusError('INVALID_PAYLOAD', 'payload is not JSON-serialisable', { subject, cause: err });
  }
  if (text === undefined) throw new BusError('INVALID_PAYLOAD', 'payload is not JSON-serialisable', { subject });
  const data = encoder.encode(text);
  if (data.byteLength > MAX_PAYLOAD_BYTES) {
    throw new BusError('INVALID_PAYLOAD', `payload is ${data.byteLength} bytes; the bus carries notices, not data`, {
      subject,
    });
  }
  // Check what the receiver will see (after the JSON round trip), not the caller's object.
  const checked = check(JSON.parse(text));
  if (!checked.ok)
    throw new BusError('INVALID_PAYLOAD', `invalid payload for ${subject}: ${checked.reason}`, { subject });
  return data;
}

/** Throws BusError INVALID_SUBJECT unless `subject` is a concrete subject of the given kind. */
export function assertSubject(kind: SubjectKind, subject: string): Resolved {
  if (!isValidSubject(subject))
    throw new BusError('INVALID_SUBJECT', `not a concrete subject: ${subject}`, { subject });
  const resolved = resolveKind(kind, subject);
  if (!resolved.ok) throw new BusError('INVALID_SUBJECT', `${subject}: ${resolved.reason}`, { subject });
  return resolved.value;
}

/** Encodes an outgoing payload after checking subject and payload; throws BusError. */
export function encodeOutgoing(kind: SubjectKind, subject: string, payload: unknown): Uint8Array {
  const { family, params } = assertSubject(kind, subject);
  return encodeChecked(subject, payload, (json) => family.check(json, params));
}

/** Encodes a reply to a request on `subject`; throws BusError. */
export function encodeReply(subject: string, reply: unknown): Uint8Array {
  const { family } = assertSubject('request', subject);
  return encodeChecked(subject, reply, (json) => family.checkReply(json));
}
