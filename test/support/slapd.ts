/**
 * A private OpenLDAP slapd for tests: own temp dir, generated slapd.conf, mdb database, loopback port.
 * Needs the Debian packages `slapd` (binary /usr/sbin/slapd, schemas /etc/ldap/schema, modules /usr/lib/ldap);
 * `ldap-utils` is not needed. Set KGC_SLAPD to use another slapd binary.
 * Startup problems throw (with slapd's own output): a test that needs LDAP fails, it never skips.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const KOPANO_SCHEMA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ldap', 'kopano.schema');
const SCHEMA_DIRS = ['/etc/ldap/schema', '/etc/openldap/schema'];
const MODULE_DIRS = ['/usr/lib/ldap', '/usr/lib64/openldap', '/usr/lib/openldap', '/usr/libexec/openldap'];
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface SlapdOptions {
  /** Database suffix; its first RDN must be dc=… (default dc=example,dc=com). */
  suffix?: string;
  /** Password of the rootdn cn=admin,<suffix> (default: random). */
  rootPassword?: string;
  /** Entries loaded with slapadd before the server starts. The suffix entry itself is added by the harness. */
  ldif?: string;
  /** Search size limit for everyone but the rootdn; paged searches may still fetch any total (size.prtotal). */
  sizeLimit?: number;
  /** `allow bind_anon_dn`: accept unauthenticated binds (a DN with an empty password), as some directories do. */
  allowUnauthenticatedBind?: boolean;
  /** false: anonymous clients may only bind, not read (default true: everyone reads all but userPassword). */
  anonymousRead?: boolean;
}

export interface Slapd {
  readonly url: string;
  readonly port: number;
  readonly suffix: string;
  readonly rootDn: string;
  readonly rootPassword: string;
  readonly dir: string;
  /** Stops the server but keeps its data (to test an outage). */
  halt(): Promise<void>;
  /** Starts a halted server again, same port and data. */
  resume(): Promise<void>;
  /** Stops the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
}

/** A userPassword value in slappasswd's default {SSHA} scheme (salted SHA-1). */
export function sshaPassword(password: string, salt: Buffer = randomBytes(8)): string {
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

export type LdifAttributes = Record<string, string | readonly string[]>;

/** RFC 2849 SAFE-STRING: printable ASCII, not starting with space, ':' or '<', not ending with space. */
function ldifLine(name: string, value: string): string {
  const safe = /^(?:[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*)?$/.test(value) && !value.endsWith(' ');
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** One LDIF record; values that are not LDIF-safe are base64-encoded. */
export function ldifEntry(dn: string, attributes: LdifAttributes): string {
  const lines = [ldifLine('dn', dn)];
  for (const [name, value] of Object.entries(attributes)) {
    for (const one of typeof value === 'string' ? [value] : value) lines.push(ldifLine(name, one));
  }
  return `${lines.join('\n')}\n\n`;
}

function firstExisting(dirs: string[], what: string): string {
  const found = dirs.find((dir) => existsSync(dir));
  if (!found) throw new Error(`slapd harness: no ${what} in ${dirs.join(', ')} (apt-get install slapd)`);
  return found;
}

/** Debian builds back_mdb as a module; other builds may link it in. */
function moduleDir(): string | null {
  for (const dir of MODULE_DIRS) {
    if (existsSync(dir) && readdirSync(dir).some((file) => file.startsWith('back_mdb'))) return dir;
  }
  return null;
}

/**
 * Ubuntu (and Debian with the profile installed) confine /usr/sbin/slapd with AppArmor to /etc/ldap,
 * /var/lib/ldap and /run/slapd, so it could not read our config or database in a temp dir. Profiles
 * attach by path: a copy of the binary inside our dir runs unconfined. The copy is only made when a
 * profile is active, because temp dirs may be mounted noexec elsewhere.
 */
async function slapdBinary(dir: string): Promise<string> {
  const binary = process.env.KGC_SLAPD ?? '/usr/sbin/slapd';
  if (!existsSync(binary)) throw new Error(`slapd harness: ${binary} not found (apt-get install slapd)`);
  let apparmor = false;
  try {
    apparmor = readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    apparmor = false;
  }
  const profile = `/etc/apparmor.d/${binary.replace(/^\//, '').replaceAll('/', '.')}`;
  if (!apparmor || !existsSync(profile)) return binary;
  const copy = path.join(dir, 'slapd');
  await copyFile(binary, copy);
  return copy;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** An anonymous LDAPv3 bind request (message id 1): 30 0c 02 01 01 60 07 02 01 03 04 00 80 00. */
const ANONYMOUS_BIND = Buffer.from('300c020101600702010304008000', 'hex');

/** true when an LDAP server on the port answers an anonymous bind with success. */
function answersLdap(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(ANONYMOUS_BIND));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // BindResponse (0x61) whose first element is resultCode ENUMERATED 0 (0a 01 00).
      const bindResponse = received.indexOf(0x61);
      if (bindResponse >= 0 && received.length >= bindResponse + 5) {
        done(received.subarray(bindResponse + 2, bindResponse + 5).equals(Buffer.from([0x0a, 0x01, 0x00])));
      }
    });
  });
}

function slapdConf(dir: string, options: Required<Omit<SlapdOptions, 'ldif' | 'sizeLimit'>>, sizeLimit?: number) {
  // Binding needs auth access to the entry and its userPassword; reading is for everyone or for bound users only.
  const readers = options.anonymousRead ? 'by * read' : 'by users read by anonymous auth';
  const schemaDir = firstExisting(SCHEMA_DIRS, 'OpenLDAP schema directory');
  const modules = moduleDir();
  const lines = [
    ...SCHEMAS.map((name) => `include "${path.join(schemaDir, `${name}.schema`)}"`),
    `include "${KOPANO_SCHEMA}"`,
    `pidfile "${path.join(dir, 'slapd.pid')}"`,
    `argsfile "${path.join(dir, 'slapd.args')}"`,
    ...(modules ? [`modulepath "${modules}"`, 'moduleload back_mdb'] : []),
    ...(options.allowUnauthenticatedBind ? ['allow bind_anon_dn'] : []),
    'database mdb',
    'maxsize 67108864',
    `suffix "${options.suffix}"`,
    `rootdn "cn=admin,${options.suffix}"`,
    `rootpw ${sshaPassword(options.rootPassword)}`,
    `directory "${path.join(dir, 'data')}"`,
    ...(sizeLimit === undefined
      ? []
      : [`limits * size.soft=${sizeLimit} size.hard=${sizeLimit} size.prtotal=unlimited`]),
    'access to attrs=userPassword by self write by anonymous auth by * none',
    `access to * ${readers}`,
  ];
  return `${lines.join('\n')}\n`;
}

function suffixEntry(suffix: string): string {
  const match = /^dc=([^,]+)/i.exec(suffix);
  if (!match?.[1]) throw new Error(`slapd harness: suffix must start with dc=…, got ${suffix}`);
  return ldifEntry(suffix, { objectClass: ['top', 'dcObject', 'organization'], dc: match[1], o: match[1] });
}

class SlapdProcess implements Slapd {
  readonly url: string;
  #child: ChildProcess | null = null;
  #output = '';
  #removed = false;
  readonly #killOnExit = () => this.#child?.kill('SIGKILL');

  constructor(
    readonly port: number,
    readonly suffix: string,
    readonly rootPassword: string,
    readonly dir: string,
    private readonly binary: string,
  ) {
    this.url = `ldap://127.0.0.1:${port}`;
  }

  get rootDn(): string {
    return `cn=admin,${this.suffix}`;
  }

  /** Starts slapd in the foreground (-d 0) and waits until it answers LDAP. */
  async start(): Promise<void> {
    if (this.#child) return;
    this.#output = '';
    const child = spawn(this.binary, ['-f', path.join(this.dir, 'slapd.conf'), '-h', `${this.url}/`, '-d', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      if (this.#output.length < 65_536) this.#output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let exited: string | null = null;
    child.once('exit', (code, signal) => {
      exited = `code ${code ?? '-'}, signal ${signal ?? '-'}`;
      process.off('exit', this.#killOnExit);
      if (this.#child === child) this.#child = null;
    });
    child.once('error', (err) => {
      exited = err.message;
    });
    this.#child = child;
    process.on('exit', this.#killOnExit);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited !== null) throw new Error(`slapd exited during startup (${exited}):\n${this.#output}`);
      if (await answersLdap(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.halt();
    throw new Error(`slapd did not answer on ${this.url} within ${READY_TIMEOUT_MS} ms:\n${this.#output}`);
  }

  get output(): string {
    return this.#output;
  }

  async halt(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.#child = null;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    this.#child = null;
  }

  async resume(): Promise<void> {
    if (this.#removed) throw new Error('slapd harness: stopped instances cannot be resumed');
    await this.start();
  }

  async stop(): Promise<void> {
    await this.halt();
    if (this.#removed) return;
    this.#removed = true;
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Starts a private slapd on 127.0.0.1 and a free port, loaded with `options.ldif`. Call `stop()` when done. */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const suffix = options.suffix ?? 'dc=example,dc=com';
  const rootPassword = options.rootPassword ?? randomBytes(12).toString('hex');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kgc-slapd-'));
  try {
    await mkdir(path.join(dir, 'data'));
    const conf = path.join(dir, 'slapd.conf');
    const settings = {
      suffix,
      rootPassword,
      allowUnauthenticatedBind: options.allowUnauthenticatedBind ?? false,
      anonymousRead: options.anonymousRead ?? true,
    };
    await writeFile(conf, slapdConf(dir, settings, options.sizeLimit));
    const seed = path.join(dir, 'seed.ldif');
    await writeFile(seed, suffixEntry(suffix) + (options.ldif ?? ''));
    const binary = await slapdBinary(dir);
    // slapd -Tadd is slapadd: loads the database offline, before the server opens it.
    await execFileAsync(binary, ['-Tadd', '-f', conf, '-l', seed], { timeout: 30_000 }).catch((err: unknown) => {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(`slapadd failed: ${err instanceof Error ? err.message : String(err)}\n${stderr}`);
    });
    // The port is free when picked but could be taken before slapd binds it; then try another.
    for (let attempt = 1; ; attempt++) {
      const slapd = new SlapdProcess(await freePort(), suffix, rootPassword, dir, binary);
      try {
        await slapd.start();
        return slapd;
      } catch (err) {
        if (attempt >= 3 || !/bind|in use/i.test(slapd.output)) throw err;
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
