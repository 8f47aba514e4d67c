/**
 * kgc-dagent: `-l` runs the LMTP daemon (dagent.cfg); `kgc-dagent RECIPIENT... < message`
 * delivers one message and exits with a sysexits code (cli.ts).
 */
import { ConfigError, dumpConfig, loadConfig, parseServiceArgs } from '@kgc/config';
import { createLogger } from '@kgc/log';
import { CLI_USAGE, parseCliArgs, runCli } from './cli.js';
import { type DagentConfig, dagentConfig } from './config.js';
import { startDagent } from './dagent.js';
import { EXIT } from './errors.js';

async function main(argv: string[]): Promise<number | undefined> {
  const args = parseServiceArgs(argv, { configFile: '/etc/kgc/dagent.cfg' });
  const daemon = args.rest.includes('-l') || args.rest.includes('--listen');
  let config: DagentConfig;
  try {
    config = loadConfig(dagentConfig, { file: args.configFile, required: args.configFileGiven });
  } catch (e) {
    // A piped delivery must not bounce over a config problem: temporary.
    process.stderr.write(`kgc-dagent: ${e instanceof Error ? e.message : String(e)}\n`);
    return daemon || args.dumpConfig ? 1 : EXIT.tempFail;
  }
  if (args.dumpConfig) {
    process.stdout.write(dumpConfig(dagentConfig, config));
    return 0;
  }
  if (!daemon) {
    const cli = parseCliArgs(args.rest);
    if (typeof cli === 'string') {
      process.stderr.write(`kgc-dagent: ${cli}\n${CLI_USAGE}`);
      return EXIT.usage;
    }
    const log = createLogger({ service: 'dagent', level: config.log_level, destination: process.stderr });
    return runCli(config, cli, { stdin: process.stdin, report: (line) => process.stderr.write(`${line}\n`) }, log);
  }
  const log = createLogger({ service: 'dagent', level: config.log_level });
  const dagent = await startDagent({ config, log });
  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await dagent.close();
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
      `kgc-dagent: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
