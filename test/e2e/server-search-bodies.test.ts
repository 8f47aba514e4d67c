/** searchBodies: which messages' bodies hold each text, decided by the server; foreign and gone ones are missing. */
import { KcError, SoapClient, userLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
});
afterAll(async () => {
  await server?.close();
});

const PASSWORD = 'pw-0123456789';

async function inboxOf(name: string): Promise<number> {
  const admin = await server.admin();
  const { user } = await admin.call('createUser', {
    user: { username: name, password: PASSWORD, fullName: name, email: `${name}@example.com`, aliases: [] },
  });
  const { folders } = await admin.call('getHierarchy', { storeId: user.storeId ?? 0 });
  return folders.find((f) => f.specialUse === 'inbox')?.folderId ?? 0;
}

async function put(folderId: number, raw: string): Promise<number> {
  const admin = await server.admin();
  return (await admin.call('createMessage', { folderId, raw: Buffer.from(raw, 'latin1'), flags: [], props: [] }))
    .messageId;
}

const SHAPES: Array<[string, string]> = [
  ['plain', 'Subject: a\r\n\r\nThe quick brown fox.\r\n'],
  ['base64', 'Subject: b\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n\r\nVGhlIGxhenkgZG9nLg==\r\n'],
  [
    'quoted-printable, Latin-1',
    'Subject: c\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe aus K=F6ln=\r\n, soft break.\r\n',
  ],
  [
    'multipart: the text part counts, the attachment does not',
    'Subject: d\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n--XX\r\nContent-Type: application/octet-stream\r\n\r\nhidden treasure\r\n--XX--\r\n',
  ],
  [
    'an encapsulated message counts',
    'Subject: e\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner words\r\n',
  ],
];

describe('searchBodies', () => {
  it('answers, per text, the caller’s messages whose decoded body holds it, case-insensitively', async () => {
    const inbox = await inboxOf('sbalice');
    const ids = new Map<string, number>();
    for (const [name, raw] of SHAPES) ids.set(name, await put(inbox, raw));
    const foreign = await put(await inboxOf('sbbob'), 'Subject: x\r\n\r\nThe quick brown fox.\r\n');

    const client = new SoapClient({ url: server.url });
    const alice = await userLogon(client, 'sbalice', PASSWORD);
    const texts = [
      'QUICK brown',
      'lazy dog',
      'grüße aus köln, soft',
      'first part',
      'treasure',
      'inner words',
      'Subject',
      'nowhere',
    ];
    const r = await alice.call('searchBodies', { messageIds: [...ids.values(), foreign, 999_999], texts });
    const byText = new Map(r.matches.map((m) => [texts[m.textIndex], [...m.messageIds].sort()]));
    expect(byText).toEqual(
      new Map([
        ['QUICK brown', [ids.get('plain')]],
        ['lazy dog', [ids.get('base64')]],
        ['grüße aus köln, soft', [ids.get('quoted-printable, Latin-1')]],
        ['first part', [ids.get('multipart: the text part counts, the attachment does not')]],
        ['inner words', [ids.get('an encapsulated message counts')]],
      ]),
    );
    expect([...r.missing].sort()).toEqual([foreign, 999_999].sort());
    expect(await alice.call('searchBodies', { messageIds: [], texts })).toEqual({ matches: [], missing: [] });
    client.close();
  });

  it('searches a call of more messages than one read group', async () => {
    const inbox = await inboxOf('sbmany');
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(await put(inbox, `Subject: m${i}\r\n\r\nword-${i % 100}-end\r\n`));
    const client = new SoapClient({ url: server.url });
    const user = await userLogon(client, 'sbmany', PASSWORD);
    // The same text twice: each position answered.
    const r = await user.call('searchBodies', {
      messageIds: ids,
      texts: ['word-42-end', 'word-99-end', 'word-42-end'],
    });
    expect(r.matches).toEqual([
      { textIndex: 0, messageIds: [ids[42], ids[142], ids[242]] },
      { textIndex: 1, messageIds: [ids[99], ids[199], ids[299]] },
      { textIndex: 2, messageIds: [ids[42], ids[142], ids[242]] },
    ]);
    expect(r.missing).toEqual([]);
    client.close();
  });

  it.each([
    ['1025 messages', { messageIds: Array.from({ length: 1025 }, (_, i) => i + 1), texts: ['x'] }],
    ['65 texts', { messageIds: [1], texts: Array.from({ length: 65 }, (_, i) => `t${i}`) }],
    ['a text of 4097 characters', { messageIds: [1], texts: ['x'.repeat(4097)] }],
  ])('refuses %s with KCERR_INVALID_PARAMETER', async (_name, input) => {
    const admin = await server.admin();
    await expect(admin.call('searchBodies', input)).rejects.toSatisfy(
      (e) => e instanceof KcError && e.code === 'KCERR_INVALID_PARAMETER',
    );
  });
});
