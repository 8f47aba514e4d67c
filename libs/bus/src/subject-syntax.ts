/**
 * NATS subject syntax: dot-separated tokens; `*` matches one token, `>` one or more trailing tokens.
 * Values that end up inside a subject (a user name such as `john.doe@example.com`) are encoded into a
 * single token first.
 */

const TOKEN_CHARS = /^[!-~]+$/; // printable ASCII, no space
const WILDCARD_CHARS = /[*>]/;

/** Encodes any string as one subject token: percent-encoding plus `.` and `*`, so no dots or wildcards remain. */
export function encodeSubjectToken(value: string): string {
  return encodeURIComponent(value).replace(/[.*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function decodeSubjectToken(token: string): string {
  return decodeURIComponent(token);
}

export function splitSubject(subject: string): string[] {
  return subject.split('.');
}

/** A concrete subject: non-empty printable tokens, no wildcards. */
export function isValidSubject(subject: string): boolean {
  return splitSubject(subject).every((t) => TOKEN_CHARS.test(t) && !WILDCARD_CHARS.test(t));
}

/** A subscription pattern: like a subject, but whole-token `*` anywhere and `>` as the last token. */
export function isValidPattern(pattern: string): boolean {
  const tokens = splitSubject(pattern);
  return tokens.every((t, i) => {
    if (t === '*') return true;
    if (t === '>') return i === tokens.length - 1;
    return TOKEN_CHARS.test(t) && !WILDCARD_CHARS.test(t);
  });
}

/** Whether `subject` (concrete) matches `pattern`. Both must already be valid. */
export function subjectMatches(pattern: readonly string[], subject: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === '>') return subject.length > i;
    const s = subject[i];
    if (s === undefined || (p !== '*' && p !== s)) return false;
  }
  return pattern.length === subject.length;
}

/** The tokens of `subject` sitting where `pattern` has `*`. */
export function wildcardParams(pattern: readonly string[], subject: readonly string[]): string[] {
  const params: string[] = [];
  pattern.forEach((p, i) => {
    const s = subject[i];
    if (p === '*' && s !== undefined) params.push(s);
  });
  return params;
}
