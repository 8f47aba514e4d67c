/** kgc-gateway: IMAP and POP3 (gateway.cfg). `--dump-config` prints the effective configuration. */

import { createNatsBus } from '@kgc/bus';
import { ConfigError, dumpConfig, loadConfig, parseServiceArgs } from '@kgc/config';
import { createLogger } from '@kgc/log';
import { gatewayConfig } from './config.js';
import { startGateway } from './gateway.js';

async function main(argv: string[]): Promise<number | undefined> {
  const args = parseServiceArgs(argv, { configFile: '/etc/kgc/gateway.cfg' });
  const config = loadConfig(gatewayConfig, { file: args.configFile, required: args.configFileGiven });
  if (args.dumpConfig) {
    process.stdout.write(dumpConfig(gatewayConfig, config));
    return 0;
  }
  const log = createLogger({ service: 'gateway', level: config.log_level });
  const bus = config.nats_url
    ? await createNatsBus({
        url: config.nats_url.split(/[\s,]+/).filter(Boolean),
        name: 'kgc-gateway',
        logger: log,
        streamPrefix: config.nats_stream_prefix,
        ...(config.nats_subject_prefix ? { subjectPrefix: config.nats_subject_prefix } : {}),
      })
    : undefined;
  const gateway = await startGateway({ config, log, ...(bus ? { bus } : {}) });
  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await gateway.close();
    await bus?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return undefined;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `kgc-gateway: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
