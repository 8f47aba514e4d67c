import { KcError, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

describe('server smoke', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a user, logs on, lists folders', async () => {
    const admin = await t.admin();
    const { user } = await admin.call('createUser', {
      user: {
        username: 'alice',
        password: 'secret',
        fullName: 'Alice Example',
        email: 'alice@example.com',
        aliases: [],
      },
    });
    expect(user.username).toBe('alice');
    const alice = await userLogon(t.client, 'alice', 'secret');
    const { store } = await alice.call('getStore', {});
    const { folders } = await alice.call('getHierarchy', { storeId: store.storeId });
    expect(folders.map((f) => f.name).sort()).toEqual(
      [
        'Calendar',
        'Contacts',
        'Deleted Items',
        'Drafts',
        'Inbox',
        'Junk E-mail',
        'Notes',
        'Outbox',
        'Sent Items',
        'Tasks',
      ].sort(),
    );
    await expect(userLogon(t.client, 'alice', 'wrong')).rejects.toMatchObject({ code: 'KCERR_LOGON_FAILED' });
    const inbox = folders.find((f) => f.specialUse === 'inbox');
    const raw = Buffer.from('From: Bob <bob@example.net>\r\nTo: alice@example.com\r\nSubject: hi\r\n\r\nhello\r\n');
    const created = await alice.call('createMessage', {
      folderId: inbox?.folderId ?? 0,
      raw,
      flags: ['\\Seen'],
      props: [],
    });
    const { message } = await alice.call('loadObject', {
      messageId: created.messageId,
      withRaw: true,
      sections: ['1', 'HEADER'],
    });
    expect(message.raw?.equals(raw)).toBe(true);
    expect(message.subject).toBe('hi');
    expect(message.flags).toEqual(['\\Seen']);
    expect(KcError).toBeDefined();
  });
});
