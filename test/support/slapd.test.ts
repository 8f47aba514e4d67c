import { existsSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ldifEntry, sshaPassword, startSlapd } from './slapd.js';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('slapd harness', () => {
  it('starts on a loopback port, halts, resumes and removes its directory on stop', async () => {
    const slapd = await startSlapd();
    try {
      expect(slapd.url).toBe(`ldap://127.0.0.1:${slapd.port}`);
      expect(slapd.rootDn).toBe('cn=admin,dc=example,dc=com');
      expect(await accepts(slapd.port)).toBe(true);
      await slapd.halt();
      expect(await accepts(slapd.port)).toBe(false);
      expect(existsSync(slapd.dir)).toBe(true);
      await slapd.resume();
      expect(await accepts(slapd.port)).toBe(true);
    } finally {
      await slapd.stop();
    }
    expect(await accepts(slapd.port)).toBe(false);
    expect(existsSync(slapd.dir)).toBe(false);
    await slapd.stop();
  });

  it('fails loudly, with slapadd output, on bad seed data', async () => {
    const bad = ldifEntry('uid=x,dc=example,dc=com', { objectClass: 'noSuchClass', uid: 'x' });
    await expect(startSlapd({ ldif: bad })).rejects.toThrow(/slapadd failed[\s\S]*noSuchClass/);
  });

  it('writes LDIF-unsafe values base64-encoded', () => {
    expect(ldifEntry('cn=a,dc=x', { cn: 'a', sn: ' lead', description: 'Groß', o: ':colon' })).toBe(
      'dn: cn=a,dc=x\ncn: a\nsn:: IGxlYWQ=\ndescription:: R3Jvw58=\no:: OmNvbG9u\n\n',
    );
  });

  it('hashes passwords as {SSHA} = base64(sha1(password + salt) + salt)', () => {
    // Known value: sha1("secret" + "salt1234") computed independently with `printf secretsalt1234 | sha1sum`.
    const value = sshaPassword('secret', Buffer.from('salt1234'));
    const raw = Buffer.from(value.slice('{SSHA}'.length), 'base64');
    expect(value.startsWith('{SSHA}')).toBe(true);
    expect(raw.subarray(20).toString()).toBe('salt1234');
    expect(raw.subarray(0, 20).toString('hex')).toBe('59c9b5c448ac363aa9f76d402dc1dfb90edabc57');
  });
});
