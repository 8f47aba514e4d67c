/** A throwaway self-signed certificate for 127.0.0.1 (openssl CLI), for TLS listener tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  dir: string;
  keyFile: string;
  certFile: string;
  cert: Buffer;
}

export function makeTestCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { dir, keyFile, certFile, cert: readFileSync(certFile) };
}
