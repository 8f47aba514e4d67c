/** kgc-server: the standalone server (server.cfg). */
import { type Bus, createMemoryBus, createNatsBus } from '@kgc/bus';
import { ConfigError, dumpConfig, loadConfig, parseServiceArgs } from '@kgc/config';
import { createLogger } from '@kgc/log';
import { serverConfig } from './config.js';
import { startServer } from './server.js';

async function main(argv: string[]): Promise<void> {
  const args = parseServiceArgs(argv, { configFile: '/etc/kgc/server.cfg' });
  const config = loadConfig(serverConfig, { file: args.configFile, required: args.configFileGiven });
  if (args.dumpConfig) {
    process.stdout.write(dumpConfig(serverConfig, config));
    return;
  }
  const log = createLogger({ service: 'server', level: config.log_level });
  const bus: Bus = config.nats_url
    ? await createNatsBus({
        url: config.nats_url,
        name: config.server_name,
        logger: log,
        streamPrefix: config.nats_stream_prefix,
        ...(config.nats_subject_prefix ? { subjectPrefix: config.nats_subject_prefix } : {}),
      })
    : createMemoryBus();
  const server = await startServer({ config, bus, log });
  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await server.close();
    await bus.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(
    `kgc-server: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
