/** SASL PLAIN (RFC 4616) responses: base64 of `[authzid] NUL authcid NUL password`, UTF-8. */

export interface PlainCredentials {
  username: string;
  password: string;
}

export type PlainResult =
  | { ok: true; credentials: PlainCredentials }
  /** `authorization`: well formed, but asks to act as another user (an authorisation failure). */
  | { ok: false; error: string; authorization?: true };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeSaslPlain(response: string): PlainResult {
  if (response.length % 4 !== 0 || !BASE64.test(response)) return { ok: false, error: 'invalid base64' };
  const bytes = Buffer.from(response, 'base64');
  const first = bytes.indexOf(0);
  const second = first < 0 ? -1 : bytes.indexOf(0, first + 1);
  if (first < 0 || second < 0 || bytes.indexOf(0, second + 1) >= 0)
    return { ok: false, error: 'malformed PLAIN response' };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let authzid: string;
  let username: string;
  let password: string;
  try {
    authzid = decoder.decode(bytes.subarray(0, first));
    username = decoder.decode(bytes.subarray(first + 1, second));
    password = decoder.decode(bytes.subarray(second + 1));
  } catch {
    return { ok: false, error: 'PLAIN response is not UTF-8' };
  }
  if (username === '' || password === '') return { ok: false, error: 'empty user name or password' };
  // Acting as another user (proxy authorisation) is not offered.
  if (authzid !== '' && authzid !== username)
    return { ok: false, error: 'authorization identity not permitted', authorization: true };
  return { ok: true, credentials: { username, password } };
}
