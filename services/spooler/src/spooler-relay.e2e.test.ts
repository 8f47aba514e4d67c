/**
 * The spooler end to end: a real server (SQLite, in-process), the spooler, and a real SMTP relay
 * (smtp-server on a socket) that records every envelope and message. Messages are submitted as
 * SOAP clients do (Outbox + submitMessage); what the relay received, Sent Items and the Inbox
 * (NDRs) are checked.
 */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import {
  createMailUser,
  eventually,
  type MailUser,
  mail,
  messagesIn,
  type SpoolerUnderTest,
  startTestSpooler,
  submit,
  uniq,
} from './testing/harness.js';
import { startTestRelay, type TestRelay } from './testing/relay.js';

let server: TestServer;
let admin: KgcSession;
let relay: TestRelay;
let spooler: SpoolerUnderTest;
let alice: MailUser;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  relay = await startTestRelay();
  spooler = await startTestSpooler(server.url, server.secret, relay.port);
  alice = await createMailUser(server.url, server.secret, admin, ['alice.alias@example.com']);
});

afterAll(async () => {
  await spooler?.close();
  await relay?.close();
  await server?.close();
});

beforeEach(() => {
  relay.policy = {};
});

const to = (rcpt: string) => relay.received.filter((r) => r.to.includes(rcpt));
const ext = () => `${uniq('r')}@example.org`;
const headerOf = (raw: Buffer) => raw.subarray(0, raw.indexOf('\r\n\r\n') + 2).toString('utf8');

/** The message once it has left the Outbox: where it is now (Sent Items) or gone. */
async function settled(u: MailUser, messageId: number): Promise<number | null> {
  return eventually(async () => {
    try {
      const { message } = await u.session.call('loadObject', { messageId, sections: [] });
      return message.folderId === u.folder('outbox') ? undefined : message.folderId;
    } catch {
      return null;
    }
  });
}

/** The NDRs in the user's Inbox about `rcpt`. */
async function ndrsAbout(u: MailUser, rcpt: string): Promise<string[]> {
  return (await messagesIn(u, 'inbox')).map((m) => m.raw.toString('utf8')).filter((t) => t.includes(`<${rcpt}>`));
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${spooler.metricsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('spooler: SOAP-submitted mail to the relay', () => {
  it('sends once with the envelope from From/To/Cc, the bytes as stored, and moves the message to Sent Items', async () => {
    const [a, b] = [ext(), ext()];
    const raw = mail({ from: `Alice <${alice.email}>`, to: `A <${a}>`, cc: b, subject: 'hello relay' });
    const { messageId } = await submit(alice, raw);
    const [got] = await relay.waitFor(relay.received.length + 1).then(() => to(a));
    expect(got?.from).toBe(alice.email);
    expect(got?.to).toEqual([a, b]);
    expect(got?.raw.equals(raw)).toBe(true);
    expect(await settled(alice, messageId)).toBe(alice.folder('sent'));
    expect(to(a)).toHaveLength(1);
    expect((await admin.call('getQueueStatus', {})).entries).toBe(0);
  });

  it('Bcc recipients get it, the Bcc header does not travel, duplicates go once; Sent Items keeps the Bcc', async () => {
    const [a, b, c] = [ext(), ext(), ext()];
    const raw = mail({ from: alice.email, to: `${a}, ${b}`, cc: a.toUpperCase(), bcc: `Hidden <${c}>, ${b}` });
    const { messageId } = await submit(alice, raw);
    await eventually(async () => (to(c).length > 0 ? true : undefined));
    const [got] = to(c);
    expect(got?.to).toEqual([a, b, c]);
    expect(headerOf(got?.raw ?? Buffer.alloc(0))).not.toMatch(/^bcc:/im);
    expect(got?.raw.toString()).toContain(`To: ${a}, ${b}`);
    expect(await settled(alice, messageId)).toBe(alice.folder('sent'));
    const { message } = await alice.session.call('loadObject', { messageId, withRaw: true, sections: [] });
    expect(message.raw?.toString()).toContain(`Bcc: Hidden <${c}>`);
  });

  it('adds Date and Message-ID when the message has none', async () => {
    const a = ext();
    await submit(alice, mail({ from: alice.email, to: a, date: null, messageId: null }));
    await eventually(async () => (to(a).length > 0 ? true : undefined));
    const head = headerOf(to(a)[0]?.raw ?? Buffer.alloc(0));
    expect(head).toMatch(/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r$/m);
    expect(head).toMatch(/^Message-ID: <[0-9a-f]{32}@spooler\.test>\r$/m);
  });

  it('deleteAfterSubmit: sent, then deleted instead of kept in Sent Items', async () => {
    const a = ext();
    const { messageId } = await submit(alice, mail({ from: alice.email, to: a }), { deleteAfterSubmit: true });
    await eventually(async () => (to(a).length > 0 ? true : undefined));
    expect(await settled(alice, messageId)).toBeNull();
  });

  it('send-as: allowed for a user on the send-as list, refused with an NDR otherwise', async () => {
    const boss = await createMailUser(server.url, server.secret, admin);
    const [a, b] = [ext(), ext()];
    const refused = await submit(alice, mail({ from: `Boss <${boss.email}>`, to: a, subject: 'forged' }));
    const ndr = await eventually(async () => (await ndrsAbout(alice, a))[0]);
    expect(ndr).toContain('Content-Type: multipart/report; report-type=delivery-status');
    expect(ndr).toContain(`Final-Recipient: rfc822; ${a}`);
    expect(ndr).toContain('Status: 5.7.1');
    expect(ndr).toContain(`may not send as ${boss.email}`);
    expect(ndr).toContain('Subject: Undelivered Mail Returned to Sender: forged');
    await eventually(async () => ((await admin.call('getQueueStatus', {})).entries === 0 ? true : undefined));
    const kept = await alice.session.call('loadObject', { messageId: refused.messageId, sections: [] });
    expect(kept.message.folderId).toBe(alice.folder('outbox'));
    expect(to(a)).toHaveLength(0);

    await admin.call('addSendAsUser', { username: boss.username, sendAs: alice.username });
    const allowed = await submit(alice, mail({ from: `Boss <${boss.email}>`, to: b }));
    await eventually(async () => (to(b).length > 0 ? true : undefined));
    expect(to(b)[0]?.from).toBe(boss.email);
    expect(await settled(alice, allowed.messageId)).toBe(alice.folder('sent'));
    // An alias of the user's own is the user's own.
    const c = ext();
    await submit(alice, mail({ from: 'alice.alias@example.com', to: c }));
    await eventually(async () => (to(c).length > 0 ? true : undefined));
  });

  it('a relay that is down: the message waits (deferred) and goes once the relay is back', async () => {
    const a = ext();
    await relay.down();
    const deferredBefore = await metric('spooler_messages_total', 'result="deferred"');
    const { messageId } = await submit(alice, mail({ from: alice.email, to: a }));
    await eventually(async () =>
      (await metric('spooler_messages_total', 'result="deferred"')) > deferredBefore ? true : undefined,
    );
    const { message } = await alice.session.call('loadObject', { messageId, sections: [] });
    expect(message.folderId).toBe(alice.folder('outbox'));
    await relay.up();
    await eventually(async () => (to(a).length > 0 ? true : undefined));
    expect(await settled(alice, messageId)).toBe(alice.folder('sent'));
    expect(to(a)).toHaveLength(1);
  });

  it('a 4xx for one recipient: the others go now, that one later, nobody twice', async () => {
    const [a, b] = [ext(), ext()];
    let refusals = 0;
    relay.policy = {
      rcpt: (addr) => (addr === b && refusals++ < 2 ? [450, '4.2.0 try again'] : null),
    };
    const { messageId } = await submit(alice, mail({ from: alice.email, to: `${a}, ${b}` }));
    await eventually(async () => (to(b).length > 0 ? true : undefined));
    expect(to(a).map((r) => r.to)).toEqual([[a, b].filter((x) => x === a)]);
    expect(to(b).map((r) => r.to)).toEqual([[b]]);
    expect(await settled(alice, messageId)).toBe(alice.folder('sent'));
  });

  it('a 5xx for every recipient: NDR with the relay reply in the Inbox, nothing sent, off the queue', async () => {
    const a = ext();
    relay.policy = { rcpt: (addr) => (addr === a ? [550, '5.1.1 mailbox unknown here'] : null) };
    const { messageId } = await submit(alice, mail({ from: alice.email, to: a, subject: 'bounce me' }));
    const ndr = await eventually(async () => (await ndrsAbout(alice, a))[0]);
    expect(ndr).toContain('Status: 5.1.1');
    expect(ndr).toContain('Diagnostic-Code: smtp; 550 5.1.1 mailbox unknown here');
    expect(ndr).toContain(`Remote-MTA: dns; 127.0.0.1:${relay.port}`);
    expect(ndr).toContain('Content-Type: message/rfc822');
    expect(ndr).toContain('Subject: bounce me');
    expect(to(a)).toHaveLength(0);
    await eventually(async () => ((await admin.call('getQueueStatus', {})).entries === 0 ? true : undefined));
    // Not sent: it stays where it was.
    const { message } = await alice.session.call('loadObject', { messageId, sections: [] });
    expect(message.folderId).toBe(alice.folder('outbox'));
  });

  it('a 5xx for some recipients: sent to the rest, moved to Sent Items, NDR for the refused one', async () => {
    const [a, b] = [ext(), ext()];
    relay.policy = { rcpt: (addr) => (addr === b ? [550, '5.7.1 relaying denied'] : null) };
    const { messageId } = await submit(alice, mail({ from: alice.email, to: `${a}, ${b}` }));
    const ndr = await eventually(async () => (await ndrsAbout(alice, b))[0]);
    expect(ndr).toContain('Diagnostic-Code: smtp; 550 5.7.1 relaying denied');
    expect(ndr).not.toContain(`Final-Recipient: rfc822; ${a}`);
    expect(to(a).map((r) => r.to)).toEqual([[a]]);
    expect(await settled(alice, messageId)).toBe(alice.folder('sent'));
  });

  it('a message moved to Deleted Items before the spooler got to it is not sent', async () => {
    const a = ext();
    const m = await alice.session.call('createMessage', {
      folderId: alice.folder('trash'),
      raw: mail({ from: alice.email, to: a }),
      flags: [],
      props: [],
    });
    await alice.session.call('submitMessage', { messageId: m.messageId });
    await eventually(async () => ((await admin.call('getQueueStatus', {})).entries === 0 ? true : undefined));
    expect(to(a)).toHaveLength(0);
    expect((await alice.session.call('loadObject', { messageId: m.messageId, sections: [] })).message.folderId).toBe(
      alice.folder('trash'),
    );
  });

  it('serves /metrics, /healthz and /readyz', async () => {
    const text = await (await fetch(`${spooler.metricsUrl}/metrics`)).text();
    expect(text).toMatch(/^spooler_messages_total\{result="sent",service="spooler"\} \d+/m);
    expect(text).toMatch(/^spooler_queue_depth\{service="spooler"\} \d+/m);
    expect(text).toMatch(/^spooler_send_seconds_count/m);
    expect((await fetch(`${spooler.metricsUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${spooler.metricsUrl}/readyz`)).status).toBe(200);
  });
});
