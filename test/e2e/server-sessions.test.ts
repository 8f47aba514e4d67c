/** Logon, service logon, impersonation, logoff and session_timeout over real SOAP, on SQLite and MariaDB. */
import { KgcSession, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { describeEngines, ENGINES, expectCode, impersonate, newUser, type TestUser, uniq } from './helpers.js';

describeEngines('server sessions', { independent: true }, (engine) => {
  let t: TestServer;
  let admin: KgcSession;
  let a: TestUser;
  let b: TestUser;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    admin = await t.admin();
    [a, b] = await Promise.all([
      newUser(t, admin, { logon: 'password', aliases: [`${uniq('al')}@example.com`] }),
      newUser(t, admin, { isAdmin: true }),
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('logon by login name (any case), by address and by alias gives the user and the store', async () => {
    const want = { userId: a.userId, storeId: a.storeId };
    expect(await t.client.call('logon', { username: a.username.toUpperCase(), password: a.password })).toMatchObject(
      want,
    );
    const byAddress = await t.client.call('logon', { username: a.email, password: a.password });
    expect(byAddress).toMatchObject(want);
    // The user comes with the session, as getUser gives it.
    expect(byAddress.user).toEqual((await a.session.call('getUser', { username: a.username })).user);
    expect(await t.client.call('logon', { username: a.user.aliases[0] ?? '', password: a.password })).toMatchObject(
      want,
    );
    const started = Date.now();
    const { info } = await a.session.call('getSessionInfo', {});
    expect(info).toMatchObject({
      kind: 'user',
      userId: a.userId,
      username: a.username,
      storeId: a.storeId,
      isAdmin: false,
    });
    // session_timeout defaults to 300 s, sliding from the last call.
    expect(Math.abs(info.expires.getTime() - (started + 300_000))).toBeLessThan(5_000);
  });

  it('wrong password, unknown user, empty password and an inactive user are KCERR_LOGON_FAILED', async () => {
    await expectCode(
      t.client.call('logon', { username: a.username, password: `${a.password}x` }),
      'KCERR_LOGON_FAILED',
    );
    await expectCode(t.client.call('logon', { username: a.username, password: '' }), 'KCERR_LOGON_FAILED');
    await expectCode(t.client.call('logon', { username: uniq('nobody'), password: 'x' }), 'KCERR_LOGON_FAILED');
    const name = uniq('inactive');
    await admin.call('createUser', { user: { username: name, password: 'pw-inactive', active: false, aliases: [] } });
    await expectCode(t.client.call('logon', { username: name, password: 'pw-inactive' }), 'KCERR_LOGON_FAILED');
    await expectCode(t.client.call('serviceLogon', { secret: t.secret, impersonate: name }), 'KCERR_LOGON_FAILED');
    await expectCode(
      t.client.call('serviceLogon', { secret: t.secret, impersonate: uniq('nobody') }),
      'KCERR_NOT_FOUND',
    );
  });

  it('logoff ends the session; an unknown or empty id is KCERR_END_OF_SESSION', async () => {
    const s = await userLogon(t.client, a.username, a.password);
    await s.call('getSessionInfo', {});
    await s.logoff();
    await expectCode(s.call('getSessionInfo', {}), 'KCERR_END_OF_SESSION');
    await expectCode(s.call('getHierarchy', { storeId: a.storeId }), 'KCERR_END_OF_SESSION');
    await expectCode(s.logoff(), 'KCERR_END_OF_SESSION');
    await expectCode(t.client.call('getSessionInfo', { sessionId: 'A'.repeat(43) }), 'KCERR_END_OF_SESSION');
    await expectCode(t.client.call('getSessionInfo', { sessionId: '' }), 'KCERR_END_OF_SESSION');
    await expectCode(t.client.call('getStore', { sessionId: 'x'.repeat(200) }), 'KCERR_END_OF_SESSION');
    // The other sessions of the user are untouched.
    expect((await a.session.call('getSessionInfo', {})).info.userId).toBe(a.userId);
  });

  it('serviceLogon needs the exact secret and gives an administrator service session', async () => {
    await expectCode(t.client.call('serviceLogon', { secret: `${t.secret}x` }), 'KCERR_LOGON_FAILED');
    await expectCode(t.client.call('serviceLogon', { secret: '' }), 'KCERR_LOGON_FAILED');
    await expectCode(t.client.call('serviceLogon', { secret: t.secret.slice(0, -1) }), 'KCERR_LOGON_FAILED');
    const r = await t.client.call('serviceLogon', { secret: t.secret });
    expect(r.userId).toBeUndefined();
    expect(r.storeId).toBeUndefined();
    const { info } = await admin.call('getSessionInfo', {});
    expect(info).toMatchObject({ kind: 'service', isAdmin: true });
    expect(info.userId).toBeUndefined();
    // Any store: a service reads a user's store by name.
    expect((await admin.call('getStore', { username: a.username })).store.storeId).toBe(a.storeId);
    await expectCode(admin.call('getStore', {}), 'KCERR_INVALID_PARAMETER');
  });

  it('impersonation gives the user’s rights and nothing more', async () => {
    const r = await t.client.call('serviceLogon', { secret: t.secret, impersonate: a.email });
    expect(r).toMatchObject({ userId: a.userId, storeId: a.storeId });
    const s = await impersonate(t, a.username);
    expect((await s.call('getSessionInfo', {})).info).toMatchObject({
      kind: 'user',
      userId: a.userId,
      username: a.username,
      storeId: a.storeId,
      isAdmin: false,
    });
    expect((await s.call('getStore', {})).store.storeId).toBe(a.storeId);
    await expectCode(s.call('getHierarchy', { storeId: b.storeId }), 'KCERR_NO_ACCESS');
    await expectCode(
      s.call('createUser', { user: { username: uniq('x'), password: 'x', aliases: [] } }),
      'KCERR_NO_ACCESS',
    );
    await expectCode(s.call('claimOutgoing', { owner: 'x', max: 1, leaseSeconds: 10 }), 'KCERR_NO_ACCESS');
    await expectCode(s.call('getStore', { username: b.username }), 'KCERR_NO_ACCESS');
    await expectCode(
      t.client.call('serviceLogon', { secret: t.secret, impersonate: uniq('nobody') }),
      'KCERR_NOT_FOUND',
    );
    await expectCode(t.client.call('serviceLogon', { secret: 'wrong', impersonate: a.username }), 'KCERR_LOGON_FAILED');
    // Impersonating an administrator gives the administrator's user rights (admin operations), still not others' mail.
    const sb = await impersonate(t, b.username);
    expect((await sb.call('getSessionInfo', {})).info).toMatchObject({ kind: 'user', userId: b.userId, isAdmin: true });
    expect((await sb.call('getUser', { username: a.username })).user.userId).toBe(a.userId);
    await expectCode(sb.call('getHierarchy', { storeId: a.storeId }), 'KCERR_NO_ACCESS');
  });
});

/**
 * session_timeout: idle sessions expire, each call slides the expiry. The server runs in this
 * process, so a fake Date installed before it starts is its clock (storage and the session manager
 * capture Date.now when they are built): time jumps instead of waiting. The servers above were
 * built with the real clock and are closed by then.
 */
describe.each(ENGINES)('server session timeout (%s)', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    t = await startTestServer({ engine, settings: { KGC_SESSION_TIMEOUT: '10s' } });
  });
  afterAll(async () => {
    await t?.close();
    vi.useRealTimers();
  });

  const jumpTo = (ms: number) => vi.setSystemTime(new Date(ms));

  it('an idle session ends after session_timeout; a used one slides', async () => {
    const t0 = Date.now();
    const service = new KgcSession(t.client, (await t.client.call('serviceLogon', { secret: t.secret })).sessionId);
    const username = uniq('to');
    await service.call('createUser', { user: { username, password: 'pw-timeout', aliases: [] } });
    const idle = await userLogon(t.client, username, 'pw-timeout');
    const used = await userLogon(t.client, username, 'pw-timeout');
    const relogging = await t.admin();
    expect((await used.call('getSessionInfo', {})).info.expires.getTime()).toBe(t0 + 10_000);

    jumpTo(t0 + 6_000);
    expect((await used.call('getSessionInfo', {})).info.expires.getTime()).toBe(t0 + 16_000);
    expect((await service.call('getSessionInfo', {})).info.expires.getTime()).toBe(t0 + 16_000);

    jumpTo(t0 + 11_000);
    await expectCode(idle.call('getSessionInfo', {}), 'KCERR_END_OF_SESSION');
    expect((await used.call('getSessionInfo', {})).info.expires.getTime()).toBe(t0 + 21_000);

    jumpTo(t0 + 10_000 + 6_000 + 10_000);
    await expectCode(service.call('getUserList', {}), 'KCERR_END_OF_SESSION');
    await expectCode(used.call('getStore', {}), 'KCERR_END_OF_SESSION');
    // serviceLogon() sessions log on again by themselves when theirs expired.
    const before = relogging.id;
    expect((await relogging.call('getUserList', {})).users.map((u) => u.username)).toContain(username);
    expect(relogging.id).not.toBe(before);
  });
});
