/**
 * The bar, measured on the same machine: Debian's Dovecot 2.3 (maildir, its default fsync policy),
 * started here as a private instance with its own configuration in a temporary directory on free
 * ports, under the very loads dagent and the gateway get (lmtp-workload.ts, mail-workloads.ts), on
 * a 2,000-message INBOX as the issue measured it. Skipped, saying so, when Dovecot is not
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
import type { RawClient } from '../../services/gateway/src/testing/harness.js';
import { message4k, pssKiB, runLoad } from './lib.js';
import { LMTP_CONNECTIONS, lmtpFigures, lmtpPool } from './lmtp-workload.js';
import { cmd, headerSync, imapLogin, imapSessions, mailboxFigures, pop3Session, warmUp } from './mail-workloads.js';

const DOVECOT = '/usr/sbin/dovecot';
const PASS = 'bench-pw-0123';
const IMAP_MESSAGES = 2_000;
const POP3_MESSAGES = 1_000;
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

export async function benchDovecot(): Promise<string[]> {
  if (!existsSync(DOVECOT))
    return ['skipped: Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d dovecot-lmtpd)'];
  if (process.getuid?.() !== 0) return ['skipped: starting a private Dovecot needs root'];
  const out: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'kgc-dovecot-'));
  chmodSync(dir, 0o755);
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  const id = (flag: string, name: string) => Number(execFileSync('id', [flag, name]).toString().trim());
  chownSync(mail, id('-u', 'nobody'), id('-g', 'nobody'));
  const ports = { imap: await freePort(), pop3: await freePort(), lmtp: await freePort() };
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, config(dir, ports));
  const hashOf = (scheme: string) =>
    execFileSync('doveadm', ['-c', conf, 'pw', '-s', scheme, '-p', PASS]).toString().trim();
  const hash = hashOf('SHA512-CRYPT');
  const lmtpUsers = Array.from({ length: 40 }, (_, i) => `bench${i}`);
  // popargon: a password hash of our scrypt's cost (libsodium's ARGON2ID, m=64 MiB, t=3: ~80 ms
  // here, our scrypt N=2^15 ~90 ms), for a POP3 session whose login costs the same work.
  writeFileSync(
    join(dir, 'passwd'),
    [
      ...[...lmtpUsers, 'imap2k', 'popbench', 'hdr2k', 'warmup'].map((u) => `${u}:${hash}\n`),
      `popargon:${hashOf('ARGON2ID')}\n`,
    ].join(''),
  );
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' });
  try {
    await Promise.all([ports.imap, ports.pop3, ports.lmtp].map((p) => waitForPort(p, child)));
    out.push(`Dovecot ${execFileSync(DOVECOT, ['--version']).toString().trim()}, maildir, default fsync`);
    out.push(
      ...(await lmtpFigures(
        ports.lmtp,
        lmtpUsers.map((u) => `${u}@example.com`),
      )),
    );
    const pool = await lmtpPool(ports.lmtp);
    await runLoad(IMAP_MESSAGES, LMTP_CONNECTIONS, (i) => pool.send(['imap2k@example.com'], message4k(i)));
    await runLoad(POP3_MESSAGES, LMTP_CONNECTIONS, (i) => pool.send(['popbench@example.com'], message4k(i)));
    await runLoad(POP3_MESSAGES, LMTP_CONNECTIONS, (i) => pool.send(['popargon@example.com'], message4k(i)));
    await runLoad(IMAP_MESSAGES, LMTP_CONNECTIONS, (i) => pool.send(['hdr2k@example.com'], message4k(i)));
    await runLoad(IMAP_MESSAGES, LMTP_CONNECTIONS, (i) => pool.send(['warmup@example.com'], message4k(i)));
    pool.close();
    await warmUp(ports, 'warmup', PASS, IMAP_MESSAGES);
    out.push(...(await mailboxFigures(ports.imap, 'imap2k', PASS, IMAP_MESSAGES)));
    out.push(await imapSessions(ports.imap, 'imap2k', PASS));
    out.push(await headerSync(ports.imap, 'hdr2k', PASS, IMAP_MESSAGES));
    out.push(await pop3Session(ports.pop3, 'popbench', PASS, POP3_MESSAGES, ', SHA512-CRYPT'));
    out.push(await pop3Session(ports.pop3, 'popargon', PASS, POP3_MESSAGES, ', ARGON2ID (our scrypt’s cost)'));
    const before = treePssKiB(child.pid ?? 0);
    const idle: RawClient[] = [];
    for (let i = 0; i < IDLE_CONNECTIONS; i++) {
      const c = await imapLogin(ports.imap, 'popbench', PASS);
      await cmd(c, 'SELECT INBOX');
      c.send('i IDLE\r\n');
      await c.until(/\+ idling\r\n/);
      idle.push(c);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = treePssKiB(child.pid ?? 0);
    out.push(
      `${IDLE_CONNECTIONS} idle IMAP connections (IDLE): PSS of Dovecot's processes ${before} KiB -> ${after} KiB = ${((after - before) / IDLE_CONNECTIONS).toFixed(1)} KiB per connection`,
    );
    for (const c of idle) c.close();
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
