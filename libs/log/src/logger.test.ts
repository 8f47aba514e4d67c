import { describe, expect, it } from 'vitest';
import { newConnectionId } from './connection-id.js';
import { connectionLogger, createLogger, type Logger, REDACTED, SECRET_KEYS } from './logger.js';

/** An in-memory pino destination: every written line, parsed. */
class Lines {
  readonly raw: string[] = [];
  write(line: string): void {
    this.raw.push(line);
  }
  get records(): Array<Record<string, unknown>> {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  last(): Record<string, unknown> {
    const record = this.records.at(-1);
    if (record === undefined) throw new Error('nothing logged');
    return record;
  }
}

function setup(level?: string | number): { lines: Lines; log: Logger } {
  const lines = new Lines();
  return { lines, log: createLogger({ service: 'gateway', level, destination: lines }) };
}

describe('createLogger', () => {
  it('writes one JSON line per call with service, level label, time and message', () => {
    const { lines, log } = setup();
    log.info({ user: 'alice' }, 'logged on');
    expect(lines.raw).toHaveLength(1);
    expect(lines.raw[0]?.endsWith('\n')).toBe(true);
    const rec = lines.last();
    expect(rec).toMatchObject({ service: 'gateway', level: 'info', msg: 'logged on', user: 'alice', pid: process.pid });
    expect(new Date(String(rec.time)).toISOString()).toBe(rec.time);
  });

  it.each(SECRET_KEYS.map((k) => [k]))('redacts %s at the top level and one object down', (key) => {
    const { lines, log } = setup();
    log.info({ [key]: 'top-secret-1', nested: { [key]: 'top-secret-2', keep: 'visible' } }, 'x');
    const rec = lines.last();
    expect(rec[key]).toBe(REDACTED);
    expect(rec.nested).toEqual({ [key]: REDACTED, keep: 'visible' });
    expect(lines.raw.join('')).not.toContain('top-secret');
  });

  it('redacts HTTP auth headers and cookies', () => {
    const { lines, log } = setup();
    log.warn(
      { req: { url: '/', headers: { authorization: 'Basic YWxpY2U6cHc=', cookie: 'sid=1', 'set-cookie': 'sid=2' } } },
      'denied',
    );
    expect(lines.last().req).toEqual({
      url: '/',
      headers: { authorization: REDACTED, cookie: REDACTED, 'set-cookie': REDACTED },
    });
  });

  it('redacts in child loggers and their bindings too', () => {
    const { lines, log } = setup();
    const child = log.child({ password: 'in-binding' });
    child.info({ auth: { secret: 'in-object' } }, 'x');
    const text = lines.raw.join('');
    expect(text).not.toContain('in-binding');
    expect(text).not.toContain('in-object');
  });

  it('takes extra redaction paths', () => {
    const lines = new Lines();
    const log = createLogger({ service: 's', destination: lines, redact: ['imap.args'] });
    log.info({ imap: { command: 'LOGIN', args: ['alice', 'pw'] } }, 'C:');
    expect(lines.last().imap).toEqual({ command: 'LOGIN', args: REDACTED });
  });

  it('leaves unrelated fields alone', () => {
    const { lines, log } = setup();
    log.info({ passes: 3, passport: 'x', user: { name: 'bob' } }, 'ok');
    expect(lines.last()).toMatchObject({ passes: 3, passport: 'x', user: { name: 'bob' } });
  });

  it.each([
    [0, 'fatal', 'error'],
    [2, 'error', 'warn'],
    [3, 'warn', 'info'],
    ['5', 'info', 'debug'],
    [6, 'debug', 'trace'],
    ['trace', 'trace', undefined],
  ] as const)('numeric/named level %j: logs %s, drops %s', (level, shown, hidden) => {
    const { lines, log } = setup(level);
    expect(log.level).toBe(shown);
    log[shown]('shown');
    if (hidden !== undefined) log[hidden]('hidden');
    expect(lines.records.map((r) => r.msg)).toEqual(['shown']);
  });

  it('defaults to info and refuses an unknown level', () => {
    expect(setup().log.level).toBe('info');
    expect(() => createLogger({ service: 's', level: 9 })).toThrow(/invalid log level "9"/);
    expect(() => createLogger({ service: 's', level: 'loud' })).toThrow(RangeError);
  });

  it('silent logs nothing', () => {
    const { lines, log } = setup('silent');
    log.fatal('nope');
    expect(lines.raw).toEqual([]);
  });
});

describe('connectionLogger', () => {
  it('binds cid and remote on every line, keeping service', () => {
    const { lines, log } = setup();
    const cid = newConnectionId();
    const conn = connectionLogger(log, { cid, remote: '192.0.2.7:51234' });
    conn.info({ tnx: 'command' }, 'C: A1 NOOP');
    conn.child({ user: 'alice' }).info('S: A1 OK');
    expect(lines.records).toEqual([
      expect.objectContaining({ service: 'gateway', cid, remote: '192.0.2.7:51234', tnx: 'command' }),
      expect.objectContaining({ service: 'gateway', cid, remote: '192.0.2.7:51234', user: 'alice' }),
    ]);
  });

  it('omits remote when not given', () => {
    const { lines, log } = setup();
    connectionLogger(log, { cid: 'abc' }).info('x');
    expect(lines.last()).toMatchObject({ cid: 'abc' });
    expect(lines.last()).not.toHaveProperty('remote');
  });
});
