/** `make start`: the embedded suite in the foreground. Ctrl-C stops it cleanly. */
import { ConfigError, dumpConfig, loadConfig, parseServiceArgs } from '@kgc/config';
import { dagentConfig } from '@kgc/dagent';
import { gatewayConfig, type RunningGateway } from '@kgc/gateway';
import { serverConfig } from '@kgc/server';
import { spoolerConfig } from '@kgc/spooler';
import { EMBEDDED_DEFAULTS, gatewayEnv, spoolerEnv, startEmbedded } from './embedded.js';

function gatewayLine(g: RunningGateway): string {
  const fmt = (name: string, list: RunningGateway['pop3']) =>
    list.map((a) => `${name} ${'path' in a ? `unix:${a.path}` : `${a.host}:${a.port}`}`);
  return [...fmt('IMAP', g.imap), ...fmt('IMAPS', g.imaps), ...fmt('POP3', g.pop3), ...fmt('POP3S', g.pop3s)].join(
    ', ',
  );
}

async function main(argv: string[]): Promise<void> {
  const args = parseServiceArgs(argv, { configFile: '' });
  const dataDir = process.env.KGC_DATA_DIR ?? 'data';
  if (args.dumpConfig) {
    const env = { ...EMBEDDED_DEFAULTS, ...process.env };
    process.stdout.write(`# server.cfg\n${dumpConfig(serverConfig, loadConfig(serverConfig, { env }))}`);
    process.stdout.write(`\n# dagent.cfg\n${dumpConfig(dagentConfig, loadConfig(dagentConfig, { env }))}`);
    const gwEnv = gatewayEnv(env, `http://${EMBEDDED_DEFAULTS.KGC_SERVER_LISTEN}/`);
    process.stdout.write(`\n# gateway.cfg\n${dumpConfig(gatewayConfig, loadConfig(gatewayConfig, { env: gwEnv }))}`);
    const spEnv = spoolerEnv(env, `http://${EMBEDDED_DEFAULTS.KGC_SERVER_LISTEN}/`);
    process.stdout.write(`\n# spooler.cfg\n${dumpConfig(spoolerConfig, loadConfig(spoolerConfig, { env: spEnv }))}`);
    return;
  }
  const suite = await startEmbedded({ dataDir, ...(args.configFileGiven ? { serverCfg: args.configFile } : {}) });
  const submission = suite.spooler.submission
    .map((a) => ('path' in a ? `unix:${a.path}` : `${a.host}:${a.port}`))
    .join(' ');
  const lmtp = suite.dagent.lmtp.map((a) => ('path' in a ? `unix:${a.path}` : `${a.host}:${a.port}`)).join(' ');
  process.stderr.write(
    `KGC-TS embedded suite running (data: ${suite.dataDir})\n` +
      `  server SOAP  ${suite.server.urls.join(' ')}  (/?wsdl, /metrics, /healthz)\n` +
      `  dagent LMTP  ${lmtp}  (metrics: 127.0.0.1:${suite.dagent.metricsPort ?? '-'})\n` +
      `  gateway      ${gatewayLine(suite.gateway)}  (metrics: 127.0.0.1:${suite.gateway.metricsPort ?? '-'})\n` +
      `  spooler      submission ${submission || '-'} -> relay ${process.env.KGC_SMTP_SERVER ?? 'localhost'}:${process.env.KGC_SMTP_PORT ?? '25'}  (metrics: 127.0.0.1:${suite.spooler.metricsPort ?? '-'})\n` +
      `  kgc-admin    pnpm exec kgc-admin -l\n` +
      'Ctrl-C stops it.\n',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    suite.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(
    `kgc-all-in-one: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
