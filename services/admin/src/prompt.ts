/**
 * Password prompts. On a terminal the input is read in raw mode without echo (like getpass);
 * from a pipe it is read line by line, so `printf 'pw\npw\n' | kgc-admin -c ... -P` works.
 */
import type { TextSink, TextSource } from './io.js';

export interface Prompter {
  /** Prompts on stderr and reads one line without echo; null at end of input or on Ctrl-C. */
  readSecret(prompt: string): Promise<string | null>;
  /** Stops reading stdin (so the process can exit). */
  close(): void;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

interface Waiter {
  resolve(line: string | null): void;
}

export function createPrompter(stdin: TextSource, stderr: TextSink): Prompter {
  const tty = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  const lines: (string | null)[] = [];
  const waiters: Waiter[] = [];
  let current = '';
  let attached = false;
  let ended = false;

  const deliver = (line: string | null): void => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(line);
    else lines.push(line);
  };
  const onData = (chunk: Buffer | string): void => {
    for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
      if (ch === '\n' || (tty && ch === '\r')) {
        deliver(current);
        current = '';
      } else if (tty && ch === CTRL_C) {
        current = '';
        deliver(null);
      } else if (tty && ch === CTRL_D && current === '') {
        deliver(null);
      } else if (tty && BACKSPACE.has(ch)) {
        current = [...current].slice(0, -1).join('');
      } else if (ch !== '\r') {
        current += ch;
      }
    }
  };
  const onEnd = (): void => {
    ended = true;
    if (current !== '') deliver(current);
    current = '';
    while (waiters.length > 0) deliver(null);
  };
  const attach = (): void => {
    if (attached) return;
    attached = true;
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  };

  return {
    async readSecret(prompt) {
      stderr.write(prompt);
      attach();
      if (tty) stdin.setRawMode?.(true);
      stdin.resume();
      try {
        const queued = lines.length > 0 ? lines.shift() : undefined;
        if (queued !== undefined) return queued;
        if (ended) return null;
        return await new Promise<string | null>((resolve) => waiters.push({ resolve }));
      } finally {
        if (tty) stdin.setRawMode?.(false);
        // Nothing typed is echoed, so end the prompt's line here.
        stderr.write('\n');
        stdin.pause();
      }
    },
    close() {
      if (!attached) return;
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.pause();
      attached = false;
    },
  };
}

/** KGC `get_password()`: asks twice; null when the two differ or input ended. */
export async function readNewPassword(prompter: Prompter): Promise<{ ok: true; password: string } | { ok: false }> {
  const first = await prompter.readSecret('Type password:');
  if (first === null) return { ok: false };
  const second = await prompter.readSecret('Retype password:');
  if (second === null || second !== first) return { ok: false };
  return { ok: true, password: first };
}
