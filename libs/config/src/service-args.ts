import { ConfigError } from './config-error.js';

export interface ServiceArgs {
  /** `-c FILE`, `--config FILE` or `--config=FILE`; else the default (the last one given wins). */
  readonly configFile: string;
  /** True when the config file was named on the command line (pass as `loadConfig`'s `required`). */
  readonly configFileGiven: boolean;
  readonly dumpConfig: boolean;
  /** Everything else, in order. Arguments after `--` are passed through untouched. */
  readonly rest: string[];
}

/** Parses the arguments every KGC-TS daemon shares. Pass `process.argv.slice(2)`. */
export function parseServiceArgs(argv: readonly string[], defaults: { configFile: string }): ServiceArgs {
  let configFile = defaults.configFile;
  let configFileGiven = false;
  let dumpConfig = false;
  const rest: string[] = [];
  const setFile = (value: string | undefined, option: string): void => {
    if (value === undefined || value === '') {
      throw new ConfigError({ source: 'command line', message: `${option} needs a file name` });
    }
    configFile = value;
    configFileGiven = true;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-c' || arg === '--config') setFile(argv[++i], arg);
    else if (arg.startsWith('--config=')) setFile(arg.slice('--config='.length), '--config');
    else if (arg.startsWith('-c') && !arg.startsWith('--')) setFile(arg.slice(2), '-c');
    else if (arg === '--dump-config') dumpConfig = true;
    else rest.push(arg);
  }
  return { configFile, configFileGiven, dumpConfig, rest };
}
