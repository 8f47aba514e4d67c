import { isIPv6 } from 'node:net';
import { fail, ok, type Parsed } from './parsed.js';

/**
 * A TCP listener. `host` is `*` for "all addresses" (KGC's spelling; the caller maps it to Node's
 * default), a host name, an IPv4 address, or an IPv6 address without brackets. `iface` is KGC's
 * `%iface` suffix (SO_BINDTODEVICE), e.g. `*%lo:236`.
 */
export interface TcpListener {
  readonly host: string;
  readonly port: number;
  readonly iface?: string;
}

/** A unix-socket listener, written `unix:/path` in KGC config. */
export interface UnixListener {
  readonly path: string;
}

export type Listener = TcpListener | UnixListener;

const HOST_RE = /^(\*|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/;
const IFACE_RE = /^[A-Za-z0-9_.-]+$/;

/** Parses a KGC listener list: space-separated `addr:port`, `*:port`, `*%lo:236`, `[::1]:143`, `unix:/path`. */
export function parseListen(text: string): Parsed<Listener[]> {
  const out: Listener[] = [];
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const one = parseOne(word);
    if (!one.ok) return fail(`"${word.length > 80 ? `${word.slice(0, 80)}...` : word}": ${one.error}`);
    out.push(one.value);
  }
  return ok(out);
}

function parseOne(word: string): Parsed<Listener> {
  if (word.startsWith('unix:')) {
    const path = word.slice('unix:'.length);
    return path === '' ? fail('unix: needs a socket path') : ok({ path });
  }
  let host: string;
  let rest: string;
  if (word.startsWith('[')) {
    const close = word.indexOf(']');
    if (close < 0) return fail('missing "]" after IPv6 address');
    host = word.slice(1, close);
    if (!isIPv6(host)) return fail(`"${host}" is not an IPv6 address`);
    rest = word.slice(close + 1);
  } else {
    const colon = word.lastIndexOf(':');
    if (colon < 0) return fail('expected host:port, *:port, [ipv6]:port or unix:/path');
    const head = word.slice(0, colon);
    const pct = head.indexOf('%');
    host = pct < 0 ? head : head.slice(0, pct);
    rest = word.slice(host.length);
    if (host.includes(':')) return fail('IPv6 addresses must be written in brackets, e.g. [::1]:143');
    if (!HOST_RE.test(host)) return fail(`"${host}" is not a valid host (use * for all addresses)`);
  }
  const m = /^(?:%([^:]*))?:(\d{1,5})$/.exec(rest);
  if (m === null) return fail('expected ":port" after the address');
  const iface = m[1];
  const port = Number(m[2]);
  if (port > 65535) return fail('port must be between 0 and 65535');
  if (iface === undefined) return ok({ host, port });
  if (!IFACE_RE.test(iface)) return fail('"%" must be followed by an interface name');
  return ok({ host, port, iface });
}

export function formatListener(listener: Listener): string {
  if ('path' in listener) return `unix:${listener.path}`;
  const host = listener.host.includes(':') ? `[${listener.host}]` : listener.host;
  return `${host}${listener.iface === undefined ? '' : `%${listener.iface}`}:${listener.port}`;
}

export function formatListen(listeners: readonly Listener[]): string {
  return listeners.map(formatListener).join(' ');
}
