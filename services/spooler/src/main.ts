/** kgc-spooler: the outgoing queue to the SMTP relay, and SMTP submission (spooler.cfg). */
import { ConfigError, dumpConfig, loadConfig, parseServiceArgs } from '@kgc/config';
import { createLogger } from '@kgc/log';
import { spoolerConfig } from './config.js';
import { startSpooler } from './spooler.js';

async function main(argv: string[]): Promise<void> {
  const args = parseServiceArgs(argv, { configFile: '/etc/kgc/spooler.cfg' });
  const config = loadConfig(spoolerConfig, { file: args.configFile, required: args.configFileGiven });
  if (args.dumpConfig) {
    process.stdout.write(dumpConfig(spoolerConfig, config));
    return;
  }
  const log = createLogger({ service: 'spooler', level: config.log_level });
  const spooler = await startSpooler({ config, log });
  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await spooler.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(
    `kgc-spooler: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
