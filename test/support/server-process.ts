/** Runs the real kgc-server program as a child process (from source, through tsx), configured by KGC_* env. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerProcess {
  url: string;
  pid: number;
  /** Lines the process logged (JSON), for diagnostics. */
  log: string[];
  /** Sends the signal and resolves with the exit code once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnServer(
  env: Record<string, string>,
  timeoutMs = 60_000,
  from: 'source' | 'dist' = 'source',
): Promise<ServerProcess> {
  return spawnService('server', env, timeoutMs, from);
}

/** Node arguments that run a service's main from source (tsx) or from its build. */
export function serviceArgs(service: string, from: 'source' | 'dist' = 'source'): string[] {
  return from === 'dist'
    ? [join(ROOT, `services/${service}/dist/main.js`)]
    : ['--conditions=@kgc/source', '--import', 'tsx', join(ROOT, `services/${service}/src/main.ts`)];
}

export { ROOT };

/** Starts a service program (server or all-in-one) and waits for its "server started" log line. */
export async function spawnService(
  service: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
  from: 'source' | 'dist' = 'source',
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const args = [...nodeArgs, ...serviceArgs(service, from)];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, KGC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      log.push(line);
      try {
        const rec = JSON.parse(line) as { msg?: string; urls?: string[] };
        if (rec.msg === 'server started' && rec.urls?.[0]) {
          clearTimeout(timer);
          resolve(rec.urls[0]);
        }
      } catch {
        // not JSON (stderr text)
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log.join('\n')}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    log,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
