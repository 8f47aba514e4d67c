import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPrompter, readNewPassword } from './prompt.js';

function sink() {
  const sink = { text: '', write: (s: string) => (sink.text += s) };
  return sink;
}

class FakeTty extends PassThrough {
  readonly isTTY = true;
  readonly modes: boolean[] = [];
  setRawMode(raw: boolean): this {
    this.modes.push(raw);
    return this;
  }
}

describe('prompter on a pipe', () => {
  it('reads one line per prompt, even when both arrive in one chunk', async () => {
    const stdin = new PassThrough();
    const err = sink();
    const prompter = createPrompter(stdin, err);
    stdin.write('first\r\nsecond\n');
    expect(await prompter.readSecret('A:')).toBe('first');
    expect(await prompter.readSecret('B:')).toBe('second');
    expect(err.text).toBe('A:\nB:\n');
    prompter.close();
  });

  it('gives null at end of input, and the last unterminated line before that', async () => {
    const stdin = new PassThrough();
    const prompter = createPrompter(stdin, sink());
    stdin.end('tail');
    expect(await prompter.readSecret('A:')).toBe('tail');
    expect(await prompter.readSecret('B:')).toBeNull();
    prompter.close();
  });

  it('asks twice for a new password and refuses a mismatch', async () => {
    const stdin = new PassThrough();
    const prompter = createPrompter(stdin, sink());
    stdin.write('pw\npw\nx\ny\n');
    expect(await readNewPassword(prompter)).toEqual({ ok: true, password: 'pw' });
    expect(await readNewPassword(prompter)).toEqual({ ok: false });
    prompter.close();
  });
});

describe('prompter on a terminal', () => {
  it('reads in raw mode without echo, handles backspace and Enter, restores the mode', async () => {
    const stdin = new FakeTty();
    const err = sink();
    const prompter = createPrompter(stdin, err);
    const read = prompter.readSecret('Password:');
    stdin.write('sx\u007fecret\r');
    expect(await read).toBe('secret');
    expect(stdin.modes).toEqual([true, false]);
    expect(err.text).toBe('Password:\n');
    prompter.close();
  });

  it('gives null on Ctrl-C', async () => {
    const stdin = new FakeTty();
    const prompter = createPrompter(stdin, sink());
    const read = prompter.readSecret('Password:');
    stdin.write('abc\u0003');
    expect(await read).toBeNull();
    prompter.close();
  });
});
