/**
 * The bar, measured on the same machine: Debian's Dovecot 2.3 (maildir, its default fsync policy),
 * started here as a private instance with its own configuration in a temporary directory on free
 * ports, under the very loads dagent and the gateway get (lmtp-workload.ts, mail-workloads.ts; the
 * IMAP and POP3 ones in versus.bench.ts, beside ours). Skipped, saying so, when Dovecot is not
 * installed (apt-get install dovecot-imapd dovecot-pop3d dovecot-lmtpd) or we are not root (it
 * switches to the mail user).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '@kgc/server';
import type { RawClient } from '../../services/gateway/src/testing/harness.js';
import { message4k, pssKiB, runLoad } from './lib.js';
import { LMTP_CONNECTIONS, lmtpFigures, lmtpPool } from './lmtp-workload.js';
import { cmd, imapLogin } from './mail-workloads.js';

const DOVECOT = '/usr/sbin/dovecot';
const PASS = 'bench-pw-0123';
/** Idle (IDLE) connections for the memory figure: Dovecot runs a process per connection. */
const IDLE_CONNECTIONS = 200;

/** Proportional set size (KiB) of a process and all its descendants. */
function treePssKiB(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  for (const pending = [root]; pending.length > 0; ) {
    const pid = pending.pop() as number;
    total += pssKiB(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}`);
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot is not listening on ${port}`);
}

function config(dir: string, ports: { imap: number; pop3: number; lmtp: number }): string {
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap pop3 lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:~/Maildir
postmaster_address = postmaster@example.com
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT username_format=%n ${dir}/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%n
}
service imap-login {
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = 0
  }
}
service imap {
  process_limit = ${IDLE_CONNECTIONS + 100}
}
protocol imap {
  mail_max_userip_connections = ${IDLE_CONNECTIONS + 100}
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${ports.lmtp}
  }
}
`;
}

/** Why Dovecot cannot run here, or null. */
export function dovecotMissing(): string | null {
  if (!existsSync(DOVECOT))
    return 'skipped: Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d dovecot-lmtpd)';
  if (process.getuid?.() !== 0) return 'skipped: starting a private Dovecot needs root';
  return null;
}

/** A private Dovecot: its ports, its users (password PASS), delivery over its LMTP. */
export interface Dovecot {
  ports: { imap: number; pop3: number; lmtp: number };
  pid: number;
  version: string;
  pass: string;
  /** `n` 4 KB messages into a user's INBOX over LMTP. */
  mailbox(user: string, n: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Dovecot with these users; a user's password hash has the scheme given (SHA512-CRYPT when absent). */
export async function startDovecot(
  users: ReadonlyArray<{ name: string; scheme?: 'SHA512-CRYPT' | 'ARGON2ID' }>,
): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-dovecot-'));
  chmodSync(dir, 0o755);
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  const id = (flag: string, name: string) => Number(execFileSync('id', [flag, name]).toString().trim());
  chownSync(mail, id('-u', 'nobody'), id('-g', 'nobody'));
  const ports = { imap: await freePort(), pop3: await freePort(), lmtp: await freePort() };
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, config(dir, ports));
  const hashes = new Map<string, string>();
  // ARGON2ID: our own hash of the password (the server's parameters; libsodium reads them from the
  // string), so both sides verify exactly the same work. SHA512-CRYPT: doveadm's.
  const hashOf = async (scheme: string) => {
    const known = hashes.get(scheme);
    if (known) return known;
    const h =
      scheme === 'ARGON2ID'
        ? `{ARGON2ID}${await hashPassword(PASS)}`
        : execFileSync('doveadm', ['-c', conf, 'pw', '-s', scheme, '-p', PASS]).toString().trim();
    hashes.set(scheme, h);
    return h;
  };
  const lines: string[] = [];
  for (const u of users) lines.push(`${u.name}:${await hashOf(u.scheme ?? 'SHA512-CRYPT')}\n`);
  writeFileSync(join(dir, 'passwd'), lines.join(''));
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([ports.imap, ports.pop3, ports.lmtp].map((p) => waitForPort(p, child)));
    return {
      ports,
      pid: child.pid ?? 0,
      version: execFileSync(DOVECOT, ['--version']).toString().trim(),
      pass: PASS,
      async mailbox(user, n) {
        const pool = await lmtpPool(ports.lmtp);
        try {
          await runLoad(n, LMTP_CONNECTIONS, (i) => pool.send([`${user}@example.com`], message4k(i)));
        } finally {
          pool.close();
        }
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Dovecot's LMTP deliveries and its memory per idle IMAP connection (the IMAP and POP3 loads: versus.bench.ts). */
export async function benchDovecot(): Promise<string[]> {
  const missing = dovecotMissing();
  if (missing) return [missing];
  const out: string[] = [];
  const lmtpUsers = Array.from({ length: 40 }, (_, i) => `bench${i}`);
  const dovecot = await startDovecot([...lmtpUsers, 'idle'].map((name) => ({ name })));
  const { ports } = dovecot;
  try {
    out.push(`Dovecot ${dovecot.version}, maildir, default fsync`);
    out.push(
      ...(await lmtpFigures(
        ports.lmtp,
        lmtpUsers.map((u) => `${u}@example.com`),
      )),
    );
    await dovecot.mailbox('idle', 1_000);
    const before = treePssKiB(dovecot.pid);
    const idle: RawClient[] = [];
    for (let i = 0; i < IDLE_CONNECTIONS; i++) {
      const c = await imapLogin(ports.imap, 'idle', PASS);
      await cmd(c, 'SELECT INBOX');
      c.send('i IDLE\r\n');
      await c.until(/\+ idling\r\n/);
      idle.push(c);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = treePssKiB(dovecot.pid);
    out.push(
      `${IDLE_CONNECTIONS} idle IMAP connections (IDLE): PSS of Dovecot's processes ${before} KiB -> ${after} KiB = ${((after - before) / IDLE_CONNECTIONS).toFixed(1)} KiB per connection`,
    );
    for (const c of idle) c.close();
  } finally {
    await dovecot.stop();
  }
  return out;
}
