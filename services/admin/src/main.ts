/**
 * kgc-admin: KGC's kopano-admin over the KGC-TS SOAP API. `run` is the whole program with its
 * streams passed in, so tests call it in-process; `main` binds it to the process.
 */
import { ConfigError } from '@kgc/config';
import type { CommandContext } from './command.js';
import { type AdminConfig, DEFAULT_CONFIG_FILE, loadAdminConfig } from './config.js';
import { ConnectError, connect, serverUrl } from './connect.js';
import { helpText, USAGE_LINE } from './help.js';
import { type AdminIo, printer } from './io.js';
import { createLogger, LOG_LEVELS } from './logger.js';
import { type ParsedArgs, parseArgs } from './parse-args.js';
import { createPrompter } from './prompt.js';
import { UsageError } from './usage-error.js';
import { adminVersion } from './version.js';

const HINT = 'Using the -v option (possibly multiple times) may give more hints.';
/** From this level on the server's fault details are shown, so the hint is no longer needed. */
const ERROR_LEVEL = LOG_LEVELS.indexOf('error');

export async function run(argv: readonly string[], io: AdminIo): Promise<number> {
  const out = printer(io.stdout);
  const err = printer(io.stderr);
  if (argv.length === 0) {
    io.stdout.write(helpText());
    return 1;
  }
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.line(e.message);
    err.line(USAGE_LINE);
    err.line("Try 'kgc-admin --help' for more information.");
    return 1;
  }
  if (parsed.kind === 'help') {
    io.stdout.write(helpText());
    return 0;
  }
  if (parsed.kind === 'version') {
    out.line(`kgc-admin ${adminVersion()}`);
    return 0;
  }
  const { command, global } = parsed;

  let config: AdminConfig;
  try {
    config = loadAdminConfig({ file: global.config, env: io.env });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err.line(`Error while reading configuration file ${global.config ?? DEFAULT_CONFIG_FILE}`);
    for (const issue of e.issues) err.line(`${issue.source}: ${issue.message}`);
    return 1;
  }
  const log = createLogger(config.log_level + global.verbose, io.stderr);

  const prompt = createPrompter(io.stdin, io.stderr);
  try {
    let connection: Awaited<ReturnType<typeof connect>>;
    try {
      connection = await connect({
        url: serverUrl(global.host ?? config.server_socket),
        secretFile: config.service_secret_file,
        user: global.user,
        password: io.env.KGC_ADMIN_PASSWORD,
        uid: process.getuid?.(),
        prompt,
        log,
      });
    } catch (e) {
      if (!(e instanceof ConnectError)) throw e;
      err.line(e.message);
      return 1;
    }
    const ctx: CommandContext = { api: connection.api, out, err, log, prompt };
    try {
      const code = await command.run(ctx);
      if (code !== 0 && log.level < ERROR_LEVEL) err.line(HINT);
      return code;
    } finally {
      await connection.close();
    }
  } finally {
    prompt.close();
  }
}

/** The `kgc-admin` executable (bin/kgc-admin.js). */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  });
}
