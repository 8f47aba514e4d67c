/**
 * Differential test against Dovecot 2.3.19's recorded answers (../shared/fixtures/mime, see its
 * README), over the wire: each message is APPENDed through the gateway into its own mailbox, the
 * recorded commands are sent as they are, and every untagged FETCH answer must match Dovecot's byte
 * for byte, every SEARCH answer the same UIDs. Deliberate differences are listed with the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMimeCorpus } from '../../../../test/support/mime-corpus.js';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import {
  createMailUser,
  type GatewayUnderTest,
  type MailUser,
  RawClient,
  startTestGateway,
} from '../testing/harness.js';

/**
 * "<fixture> <fetch key>" → why we answer differently. RFC822.SIZE is the size stored by the
 * server (the octets appended); Dovecot counts a bare LF as CRLF (README: a Dovecot choice, *).
 */
const DELIBERATE: ReadonlyMap<string, string> = new Map([
  [
    'bare-lf-body-part RFC822.SIZE BODYSTRUCTURE BODY ENVELOPE',
    'RFC822.SIZE: stored octets, bare LF not counted as CRLF',
  ],
  [
    'bare-lf-entire-message RFC822.SIZE BODYSTRUCTURE BODY ENVELOPE',
    'RFC822.SIZE: stored octets, bare LF not counted as CRLF',
  ],
]);

type Bytes = string | { base64: string };
interface Exchange {
  command: Bytes;
  untagged: Bytes[];
  tagged: string;
  uids?: number[];
}
interface Fixture {
  name: string;
  message: { file: string; size: number };
  accepted: boolean;
  fetches: Record<string, Exchange>;
  probes?: Record<string, Exchange>;
  search?: Record<string, Exchange>;
}

const latin1 = (b: Bytes) =>
  (typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.base64, 'base64')).toString('latin1');

const dir = findMimeCorpus();
const fixtures = readdirSync(dir)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as Fixture)
  .filter((f) => f.accepted);

let server: TestServer;
let gw: GatewayUnderTest;
let user: MailUser;
let c: RawClient;
let tagN = 0;

/** Send a command (its literals as LITERAL+), return the untagged lines and the tagged status. */
async function exchange(command: string): Promise<{ untagged: string[]; tagged: string }> {
  const tag = `Z${++tagN}`;
  c.send(Buffer.from(`${tag} ${command.replace(/\{(\d+)\}\r\n/g, '{$1+}\r\n')}\r\n`, 'latin1'));
  const text = await c.until(new RegExp(`(^|\\r\\n)${tag} [A-Z]+ [^\\r\\n]*\\r\\n$`));
  const end = text.lastIndexOf(`${tag} `);
  const body = text.slice(0, end);
  // Untagged responses: split at CRLF "* " boundaries, keeping literals whole.
  const untagged: string[] = [];
  let at = 0;
  while (at < body.length) {
    let i = at;
    for (;;) {
      const crlf = body.indexOf('\r\n', i);
      const lit = /\{(\d+)\}$/.exec(body.slice(i, crlf));
      if (lit) i = crlf + 2 + Number(lit[1]);
      else {
        untagged.push(body.slice(at, crlf));
        at = crlf + 2;
        break;
      }
    }
  }
  return { untagged, tagged: text.slice(end + tag.length + 1).trimEnd() };
}

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  gw = await startTestGateway(server.url);
  user = await createMailUser(await server.admin(), ['imap']);
  c = await RawClient.connect(gw.imapPort);
  await c.until(/\r\n/);
  await exchange(`LOGIN ${user.username} ${user.password}`);
}, 60_000);

afterAll(async () => {
  c?.close();
  await gw?.close();
  await server?.close();
});

describe('FETCH and SEARCH answers match Dovecot 2.3', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (name, f) => {
    const raw = readFileSync(join(dir, f.message.file));
    const box = `corpus-${name}`;
    expect((await exchange(`CREATE "${box}"`)).tagged).toMatch(/^OK/);
    const append = await exchange(`APPEND "${box}" {${raw.length}}\r\n${raw.toString('latin1')}`);
    expect(append.tagged).toMatch(/^OK \[APPENDUID \d+ 1\]/);
    expect((await exchange(`SELECT "${box}"`)).tagged).toMatch(/^OK/);
    const all = { ...f.fetches, ...(f.probes ?? {}) };
    for (const [key, ex] of Object.entries(all)) {
      const got = await exchange(latin1(ex.command));
      if (DELIBERATE.has(`${name} ${key}`)) {
        // Listed differences must be real ones (the list stays honest).
        expect(got.untagged, key).not.toEqual(ex.untagged.map(latin1));
        continue;
      }
      expect(got.tagged, key).toMatch(/^OK/);
      expect(got.untagged, key).toEqual(ex.untagged.map(latin1));
    }
    for (const [key, ex] of Object.entries(f.search ?? {})) {
      const got = await exchange(latin1(ex.command));
      expect(got.tagged, key).toMatch(/^OK/);
      const uids = (got.untagged.find((l) => l.startsWith('* SEARCH')) ?? '* SEARCH').split(' ').slice(2).map(Number);
      expect(uids, `${key}`).toEqual(ex.uids ?? []);
    }
    await exchange('CLOSE');
  });
});
