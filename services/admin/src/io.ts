/** What the CLI talks to: the process's streams and environment, or a test's. */
export interface TextSink {
  write(text: string): unknown;
}

/** stdin as far as kgc-admin uses it (password prompts). `setRawMode` exists on a TTY only. */
export interface TextSource {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'end', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

export interface AdminIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: TextSource;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Line-oriented output. */
export interface Printer {
  line(text?: string): void;
  lines(texts: readonly string[]): void;
}

export function printer(sink: TextSink): Printer {
  return {
    line: (text = '') => {
      sink.write(`${text}\n`);
    },
    lines: (texts) => {
      if (texts.length > 0) sink.write(`${texts.join('\n')}\n`);
    },
  };
}
