/**
 * Smoke tests with real clients that are not libraries: Debian's mbsync (isync) syncs a mailbox
 * both ways against the gateway, curl fetches and lists over IMAP and POP3; both also over TLS
 * (STARTTLS/STLS and implicit), verifying the gateway's certificate.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KgcSession } from '@kgc/soap';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { makeTestCert, type TestCert } from '../../../test/support/tls.js';
import {
  createMailUser,
  folderOf,
  type GatewayUnderTest,
  type MailUser,
  makeMessage,
  putMessage,
  startTestGateway,
} from './testing/harness.js';

const run = promisify(execFile);
let server: TestServer;
let admin: KgcSession;
let gw: GatewayUnderTest;
let cert: TestCert;

beforeAll(async () => {
  server = await startTestServer({ engine: 'sqlite' });
  admin = await server.admin();
  cert = makeTestCert();
  gw = await startTestGateway(
    server.url,
    {
      KGC_IMAPS_LISTEN: '127.0.0.1:0',
      KGC_POP3S_LISTEN: '127.0.0.1:0',
      KGC_SSL_PRIVATE_KEY_FILE: cert.keyFile,
      KGC_SSL_CERTIFICATE_FILE: cert.certFile,
    },
    { bus: server.bus },
  );
});
afterAll(async () => {
  await gw?.close();
  await server?.close();
});

async function curl(url: string, ...opts: string[]): Promise<string> {
  return (await run('curl', ['-sS', '--max-time', '20', ...opts, url], { maxBuffer: 16 * 1024 * 1024 })).stdout;
}

describe('curl', () => {
  it('fetches a message with imap:// and pop3://, lists the mailboxes and the maildrop', async () => {
    const u = await createMailUser(admin, ['imap', 'pop3']);
    const raw = makeMessage('for curl', 'Fetched by curl.\r\n');
    // A line starting with a dot: POP3 byte-stuffs it on the wire and curl undoes that.
    const dotted = makeMessage('dotted', 'First line.\r\n.leading dot\r\n..two dots\r\n.\r\nlast.\r\n');
    const uid = await putMessage(admin, folderOf(u, 'inbox'), raw);
    await putMessage(admin, folderOf(u, 'inbox'), dotted);
    const auth = `${u.username}:${u.password}`;

    expect(await curl(`imap://${auth}@127.0.0.1:${gw.imapPort}/INBOX;UID=${uid}`)).toBe(raw.toString());
    expect(await curl(`imap://${auth}@127.0.0.1:${gw.imapPort}/INBOX;MAILINDEX=2`)).toBe(dotted.toString());
    expect(await curl(`imap://${auth}@127.0.0.1:${gw.imapPort}/`)).toContain('"INBOX"');
    expect(await curl(`imap://${auth}@127.0.0.1:${gw.imapPort}/INBOX;UID=${uid};SECTION=TEXT`)).toBe(
      'Fetched by curl.\r\n',
    );
    expect(await curl(`imap://${auth}@127.0.0.1:${gw.imapPort}/INBOX?SUBJECT%20dotted`)).toBe('* SEARCH 2\r\n');

    expect(await curl(`pop3://${auth}@127.0.0.1:${gw.pop3Port}/1`)).toBe(raw.toString());
    expect(await curl(`pop3://${auth}@127.0.0.1:${gw.pop3Port}/2`)).toBe(dotted.toString());
    expect(await curl(`pop3://${auth}@127.0.0.1:${gw.pop3Port}/`)).toBe(`1 ${raw.length}\r\n2 ${dotted.length}\r\n`);
    expect(await curl(`pop3://${auth}@127.0.0.1:${gw.pop3Port}/`, '-X', 'UIDL')).toMatch(/^1 \S+\r\n2 \S+\r\n$/);
    // TOP: the header and four body lines, the stuffed ones among them unstuffed by curl.
    expect(await curl(`pop3://${auth}@127.0.0.1:${gw.pop3Port}/`, '-X', 'TOP 2 4')).toBe(
      dotted.toString().replace(/\r\nlast\.\r\n$/, '\r\n'),
    );
  });

  it('fetches over STARTTLS and STLS (--ssl-reqd), imaps:// and pop3s://, verifying the certificate', async () => {
    const u = await createMailUser(admin, ['imap', 'pop3']);
    const raw = makeMessage('over tls', 'Fetched by curl over TLS.\r\n');
    const uid = await putMessage(admin, folderOf(u, 'inbox'), raw);
    const auth = `${u.username}:${u.password}`;
    const tls = ['--cacert', cert.certFile];
    expect(await curl(`imap://${auth}@127.0.0.1:${gw.imapPort}/INBOX;UID=${uid}`, '--ssl-reqd', ...tls)).toBe(
      raw.toString(),
    );
    expect(await curl(`imaps://${auth}@127.0.0.1:${gw.imapsPort}/INBOX;UID=${uid}`, ...tls)).toBe(raw.toString());
    expect(await curl(`pop3://${auth}@127.0.0.1:${gw.pop3Port}/1`, '--ssl-reqd', ...tls)).toBe(raw.toString());
    expect(await curl(`pop3s://${auth}@127.0.0.1:${gw.pop3sPort}/1`, ...tls)).toBe(raw.toString());
  });
});

/** `isync 1.4.4` → [1, 4]; undefined when mbsync is not installed. */
function mbsyncVersion(): [number, number] | undefined {
  try {
    const out = execFileSync('mbsync', ['--version'], { encoding: 'utf8' });
    const m = /(\d+)\.(\d+)/.exec(out);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  } catch {
    return undefined;
  }
}

const MBSYNC = mbsyncVersion();
if (!MBSYNC) console.warn('mbsync not installed (apt-get install isync): the mbsync smoke test is skipped');

/** Maildir stores LF line ends; IMAP has CRLF. mbsync converts between them. */
const lf = (b: Buffer | string): string => b.toString().replace(/\r\n/g, '\n');
const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');
/**
 * mbsync puts an X-TUID header into every message it copies (to find it again after an interrupted
 * run); apart from that header, both sides hold the same bytes.
 */
const untuid = (s: string): string => s.replace(/^X-TUID: [A-Za-z0-9+/]{12}\r?\n/m, '');

interface MaildirMessage {
  dir: string;
  file: string;
  flags: string;
  content: string;
}

/** The messages of one maildir folder (new/ and cur/), sorted by content. */
function maildir(path: string): MaildirMessage[] {
  const out: MaildirMessage[] = [];
  for (const sub of ['new', 'cur']) {
    const dir = join(path, sub);
    for (const file of readdirSync(dir)) {
      out.push({
        dir,
        file,
        flags: /:2,([A-Z]*)$/.exec(file)?.[1] ?? '',
        content: untuid(readFileSync(join(dir, file), 'utf8')),
      });
    }
  }
  return out.sort((a, b) => a.content.localeCompare(b.content));
}

function find(box: MaildirMessage[], subject: string): MaildirMessage {
  const m = box.find((x) => x.content.includes(`\nSubject: ${subject}\n`));
  if (!m) throw new Error(`no local message ${subject}`);
  return m;
}

/** Everything in a directory tree (paths and contents), for "nothing changed". */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p, readFileSync(p, 'latin1'));
    }
  };
  walk(root);
  return out;
}

interface ServerMessage {
  uid: number;
  flags: string[];
  source: string;
  date: Date | undefined;
}

async function serverBox(c: ImapFlow, path: string): Promise<ServerMessage[]> {
  const lock = await c.getMailboxLock(path);
  try {
    const out: ServerMessage[] = [];
    if (c.mailbox !== false && c.mailbox.exists > 0) {
      for await (const m of c.fetch('1:*', { uid: true, flags: true, source: true, internalDate: true })) {
        out.push({
          uid: m.uid,
          flags: [...(m.flags ?? [])].sort(),
          source: untuid(m.source?.toString() ?? ''),
          date: m.internalDate === undefined ? undefined : new Date(m.internalDate),
        });
      }
    }
    return out.sort((a, b) => a.source.localeCompare(b.source));
  } finally {
    lock.release();
  }
}

function findServer(box: ServerMessage[], subject: string): ServerMessage | undefined {
  return box.find((x) => x.source.includes(`\r\nSubject: ${subject}\r\n`));
}

interface Mbsync {
  /** The local maildirs (INBOX is `<mail>/INBOX`, subfolders verbatim beside it). */
  mail: string;
  /** One `mbsync -a`; throws with mbsync's output when it fails (exit status not 0). */
  sync(): Promise<void>;
}

/**
 * An mbsyncrc for `u` in `dir` (an IMAP store on the gateway, a Maildir store under `dir/mail`, one
 * channel over `patterns` creating and expunging on both sides, sync state in the maildirs).
 */
function mbsyncFor(
  dir: string,
  u: MailUser,
  opts: {
    port: number;
    tls: 'None' | 'STARTTLS' | 'IMAPS';
    auth: 'LOGIN' | 'PLAIN';
    patterns: string;
    extra?: string[];
  },
): Mbsync {
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  // isync 1.5 renamed SSLType to TLSType.
  const [major = 0, minor = 0] = MBSYNC ?? [];
  const tlsKey = major > 1 || (major === 1 && minor >= 5) ? 'TLSType' : 'SSLType';
  const rc = join(dir, 'mbsyncrc');
  writeFileSync(
    rc,
    [
      'IMAPAccount kgc',
      'Host 127.0.0.1',
      `Port ${opts.port}`,
      `User ${u.username}`,
      `Pass ${u.password}`,
      `${tlsKey} ${opts.tls}`,
      ...(opts.tls === 'None' ? [] : [`CertificateFile ${cert.certFile}`]),
      // LOGIN is mbsync's own; PLAIN goes through Cyrus SASL (AUTHENTICATE with an initial response).
      `AuthMechs ${opts.auth}`,
      '',
      'IMAPStore remote',
      'Account kgc',
      '',
      'MaildirStore local',
      `Path ${mail}/`,
      `Inbox ${mail}/INBOX`,
      'SubFolders Verbatim',
      '',
      'Channel kgc',
      'Far :remote:',
      'Near :local:',
      `Patterns ${opts.patterns}`,
      'Create Both',
      'Expunge Both',
      'SyncState *',
      ...(opts.extra ?? []),
      '',
    ].join('\n'),
  );
  // KGC_TEST_MBSYNC_DEBUG=1 prints mbsync's IMAP transcripts.
  const debug = process.env.KGC_TEST_MBSYNC_DEBUG === '1';
  return {
    mail,
    async sync() {
      try {
        const r = await run('mbsync', ['-c', rc, '-a', ...(debug ? ['-Dn'] : [])], {
          timeout: 20_000,
          maxBuffer: 64 * 1024 * 1024,
        });
        if (debug) console.log(r.stdout + r.stderr);
      } catch (e) {
        const x = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`mbsync failed: ${x.message}\n${x.stdout ?? ''}${x.stderr ?? ''}`);
      }
    },
  };
}

describe('mbsync', () => {
  it.skipIf(!MBSYNC)(
    'syncs INBOX and subfolders both ways: messages, flags, deletions, new folders; a third run changes nothing',
    async () => {
      const u: MailUser = await createMailUser(admin, ['imap']);
      const inbox = folderOf(u, 'inbox');
      const first = makeMessage('first', 'First body.\r\n');
      const second = makeMessage('second', 'Second body.\r\n.dot line\r\n');
      const seen = makeMessage('seen', 'Already read.\r\n');
      await putMessage(admin, inbox, first);
      await putMessage(admin, inbox, second);
      await putMessage(admin, inbox, seen, ['\\Seen']);
      // A mailbox name with a space, and a big message (a long literal, 8 bit, base64).
      const attachment = randomBytes(300 * 1024)
        .toString('base64')
        .replace(/.{76}/g, '$&\r\n');
      const big = makeMessage(
        'big',
        `--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße.\r\n` +
          `--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
          `${attachment}\r\n--b--\r\n`,
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n',
      );
      await putMessage(admin, folderOf(u, 'sent'), big, ['\\Seen']);

      const c = new ImapFlow({
        host: '127.0.0.1',
        port: gw.imapPort,
        secure: false,
        auth: { user: u.username, pass: u.password },
        logger: false,
        tls: { ca: cert.cert },
        disableAutoIdle: true,
      });
      await c.connect();
      const dir = mkdtempSync(join(tmpdir(), 'kgc-mbsync-'));
      try {
        await c.mailboxCreate('Archive');
        const archived = makeMessage('archived', 'In the archive.\r\n');
        const archivedAt = new Date('2026-03-04T05:06:07Z');
        await c.append('Archive', archived, ['\\Flagged'], archivedAt);

        const { mail, sync: mbsync } = mbsyncFor(dir, u, {
          port: gw.imapPort,
          tls: 'None',
          auth: 'LOGIN',
          patterns: 'INBOX Archive Archive/* "Sent Items"',
          // INTERNALDATE both ways (FETCH, APPEND with a date) and RFC822.SIZE (FETCH).
          extra: ['CopyArrivalDate yes', 'MaxSize 10m'],
        });

        // 1. Far to near: every message arrives byte for byte (line ends as Maildir keeps them), flags too.
        await mbsync();
        let local = maildir(join(mail, 'INBOX'));
        expect(local.map((m) => m.content).sort()).toEqual([lf(first), lf(second), lf(seen)].sort());
        expect(find(local, 'seen').flags).toBe('S');
        expect(find(local, 'first').flags).toBe('');
        const localArchive = maildir(join(mail, 'Archive'));
        expect(localArchive.map((m) => [m.content, m.flags])).toEqual([[lf(archived), 'F']]);
        expect(localArchive[0] && statSync(join(localArchive[0].dir, localArchive[0].file)).mtime).toEqual(archivedAt);
        expect(maildir(join(mail, 'Sent Items')).map((m) => [m.content, m.flags])).toEqual([[lf(big), 'S']]);

        // 2. Near to far: a new message, flags, a deletion, a new folder.
        const added = lf(makeMessage('added locally', 'Written in the maildir, 8 bit: Grüße.\r\n'));
        const addedFile = join(mail, 'INBOX', 'new', `${Date.now()}.kgc1.localhost`);
        writeFileSync(addedFile, added);
        const addedAt = new Date('2026-05-06T07:08:09Z');
        utimesSync(addedFile, addedAt, addedAt);
        const f = find(local, 'first');
        renameSync(join(f.dir, f.file), join(mail, 'INBOX', 'cur', `${f.file.replace(/:2,.*$/, '')}:2,RS`));
        const s = find(local, 'second');
        unlinkSync(join(s.dir, s.file));
        const sub = join(mail, 'Archive', 'Local');
        for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(sub, d), { recursive: true });
        const nested = lf(makeMessage('nested', 'In a folder made locally.\r\n'));
        writeFileSync(join(sub, 'new', `${Date.now()}.kgc2.localhost`), nested);
        await mbsync();

        const remote = await serverBox(c, 'INBOX');
        expect(remote.map((m) => m.source).sort()).toEqual([first.toString(), seen.toString(), crlf(added)].sort());
        expect(findServer(remote, 'first')?.flags).toEqual(['\\Answered', '\\Seen']);
        expect(findServer(remote, 'added locally')?.date).toEqual(addedAt);
        expect(findServer(remote, 'second')).toBeUndefined();
        const remoteLocal = await serverBox(c, 'Archive/Local');
        expect(remoteLocal.map((m) => m.source)).toEqual([crlf(nested)]);
        // Expunged for real, not just flagged \Deleted.
        const st = await c.status('INBOX', { messages: true });
        expect(st.messages).toBe(3);

        // 3. Far to near again: a flag, a new message and a deletion made on the server.
        const firstUid = findServer(remote, 'first')?.uid;
        if (firstUid === undefined) throw new Error('first is gone');
        {
          const lock = await c.getMailboxLock('INBOX');
          try {
            await c.messageFlagsAdd(String(firstUid), ['\\Flagged'], { uid: true });
            const seenUid = findServer(remote, 'seen')?.uid;
            if (seenUid === undefined) throw new Error('seen is gone');
            await c.messageDelete(String(seenUid), { uid: true });
          } finally {
            lock.release();
          }
        }
        const later = makeMessage('later', 'Appended on the server.\r\n');
        await c.append('Archive', later);
        await mbsync();
        local = maildir(join(mail, 'INBOX'));
        expect(find(local, 'first').flags).toBe('FRS');
        expect(local.map((m) => m.content).sort()).toEqual([lf(first), added].sort());
        expect(
          maildir(join(mail, 'Archive'))
            .map((m) => m.content)
            .sort(),
        ).toEqual([lf(archived), lf(later)].sort());

        // 4. Nothing left to do: the third run leaves both sides as they are.
        const before = snapshot(mail);
        const remoteBefore = [await serverBox(c, 'INBOX'), await serverBox(c, 'Archive')];
        await mbsync();
        expect(snapshot(mail)).toEqual(before);
        expect([await serverBox(c, 'INBOX'), await serverBox(c, 'Archive')]).toEqual(remoteBefore);
        expect(remoteBefore[0]?.map((m) => m.source).sort()).toEqual([first.toString(), crlf(added)].sort());
      } finally {
        await c.logout().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!MBSYNC).each([
    { tls: 'STARTTLS', auth: 'PLAIN', imaps: false },
    { tls: 'IMAPS', auth: 'LOGIN', imaps: true },
    { tls: 'IMAPS', auth: 'PLAIN', imaps: true },
  ] as const)('syncs over $tls with $auth, verifying the certificate', async ({ tls, auth, imaps }) => {
    const u = await createMailUser(admin, ['imap']);
    const raw = makeMessage(`over ${tls}`, 'Synced over TLS.\r\n');
    await putMessage(admin, folderOf(u, 'inbox'), raw);
    const dir = mkdtempSync(join(tmpdir(), 'kgc-mbsync-'));
    try {
      const port = imaps ? gw.imapsPort : gw.imapPort;
      if (port === undefined) throw new Error('no imaps listener');
      const m = mbsyncFor(dir, u, { port, tls, auth, patterns: 'INBOX' });
      await m.sync();
      expect(maildir(join(m.mail, 'INBOX')).map((x) => x.content)).toEqual([lf(raw)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
