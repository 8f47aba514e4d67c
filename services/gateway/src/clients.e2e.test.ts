/** Smoke test with a real client that is not a library: curl fetches a message over IMAP and POP3. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  makeMessage,
  putMessage,
  startTestGateway,
} from './testing/harness.js';

const run = promisify(execFile);
let server: TestServer;
let gw: GatewayUnderTest;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  gw = await startTestGateway(server.url);
});
afterAll(async () => {
  await gw?.close();
  await server?.close();
});

describe('curl', () => {
  it('fetches a message with imap:// and pop3://, lists the mailboxes', async () => {
    const admin = await server.admin();
    const u = await createMailUser(admin, ['imap', 'pop3']);
    const raw = makeMessage('for curl', 'Fetched by curl.\r\n');
    const uid = await putMessage(admin, folderOf(u, 'inbox'), raw);
    const auth = `${u.username}:${u.password}`;
    const imap = await run('curl', [
      '-sS',
      '--max-time',
      '20',
      `imap://${auth}@127.0.0.1:${gw.imapPort}/INBOX;UID=${uid}`,
    ]);
    expect(imap.stdout).toBe(raw.toString());
    const list = await run('curl', ['-sS', '--max-time', '20', `imap://${auth}@127.0.0.1:${gw.imapPort}/`]);
    expect(list.stdout).toContain('"INBOX"');
    const pop = await run('curl', ['-sS', '--max-time', '20', `pop3://${auth}@127.0.0.1:${gw.pop3Port}/1`]);
    expect(pop.stdout).toBe(raw.toString());
  });
});
