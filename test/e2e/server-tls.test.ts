/** server_listen_tls: SOAP over HTTPS with server_ssl_key_file / server_ssl_cert_file. */
import { rmSync } from 'node:fs';
import { SoapClient, serviceLogon } from '@kgc/soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { makeTestCert, type TestCert } from '../support/tls.js';

describe('SOAP over HTTPS', () => {
  let t: TestServer;
  let cert: TestCert;
  beforeAll(async () => {
    cert = makeTestCert();
    t = await startTestServer({
      settings: {
        KGC_SERVER_LISTEN_TLS: '127.0.0.1:0',
        KGC_SERVER_SSL_KEY_FILE: cert.keyFile,
        KGC_SERVER_SSL_CERT_FILE: cert.certFile,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(cert.dir, { recursive: true, force: true });
  });

  it('serves the same API on the TLS listener, verified against the certificate', async () => {
    const httpsUrl = t.server.urls.find((u) => u.startsWith('https://'));
    expect(httpsUrl).toBeDefined();
    const client = new SoapClient({ url: httpsUrl ?? '', tls: { ca: cert.cert } });
    const admin = await serviceLogon(client, t.secret);
    const info = await admin.call('getSessionInfo', {});
    expect(info.info.kind).toBe('service');
    client.close();
  });

  it('refuses a client that does not trust the certificate', async () => {
    const httpsUrl = t.server.urls.find((u) => u.startsWith('https://')) ?? '';
    const client = new SoapClient({ url: httpsUrl });
    await expect(serviceLogon(client, t.secret)).rejects.toMatchObject({ code: 'KCERR_NETWORK_ERROR' });
    client.close();
  });
});
