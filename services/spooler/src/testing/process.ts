/** Runs the real kgc-spooler program as a child process (source through tsx, or the build), configured by KGC_* env. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ROOT, serviceArgs } from '../../../../test/support/server-process.js';

export interface SpoolerProcess {
  pid: number;
  /** Lines the process logged (JSON). */
  log: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnSpooler(
  env: Record<string, string>,
  from: 'source' | 'dist' = 'source',
  timeoutMs = 60_000,
): Promise<SpoolerProcess> {
  const child: ChildProcess = spawn(process.execPath, serviceArgs('spooler', from), {
    cwd: ROOT,
    env: { ...process.env, KGC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`spooler did not start:\n${log.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      if (log.length < 100_000) log.push(line);
      if (line.includes('"msg":"spooler started"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`spooler exited with ${code}:\n${log.join('\n')}`));
    });
  });
  return {
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
