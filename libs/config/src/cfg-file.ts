import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type CfgSetting, parseCfgText } from './cfg-parser.js';
import { ConfigError } from './config-error.js';

/** Nesting limit for `!include` (the top-level file is depth 0). */
export const MAX_INCLUDE_DEPTH = 8;
/** A config file larger than this is refused: it is a mistake (or `!include /dev/zero`), not configuration. */
export const MAX_CFG_FILE_BYTES = 1024 * 1024;

export interface ReadCfgOptions {
  readonly maxDepth?: number;
}

/**
 * Reads a cfg file and the files it includes, depth first, and returns the settings in file order
 * (so "last wins" applies across includes exactly as it reads). Include paths are relative to the
 * directory of the including file.
 */
export function readCfgFile(path: string, options: ReadCfgOptions = {}): CfgSetting[] {
  const out: CfgSetting[] = [];
  readInto(resolve(path), [], options.maxDepth ?? MAX_INCLUDE_DEPTH, out, 'configuration');
  return out;
}

function readInto(path: string, stack: readonly string[], maxDepth: number, out: CfgSetting[], from: string): void {
  const real = realPath(path, from);
  if (stack.includes(real)) {
    throw new ConfigError({ source: from, message: `include loop: ${[...stack, real].join(' -> ')}` });
  }
  if (stack.length > maxDepth) {
    throw new ConfigError({ source: from, message: `includes nested deeper than ${maxDepth} levels at ${path}` });
  }
  const text = readText(path, from);
  for (const entry of parseCfgText(text, path)) {
    if (entry.kind === 'setting') {
      out.push(entry);
      continue;
    }
    const target = isAbsolute(entry.path) ? entry.path : resolve(dirname(path), entry.path);
    readInto(target, [...stack, real], maxDepth, out, `${entry.file}:${entry.line}`);
  }
}

function realPath(path: string, from: string): string {
  try {
    return realpathSync(path);
  } catch (err) {
    throw new ConfigError({ source: from, message: `cannot read config file ${path}: ${reason(err)}` });
  }
}

function readText(path: string, from: string): string {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > MAX_CFG_FILE_BYTES) throw new Error(`larger than ${MAX_CFG_FILE_BYTES} bytes`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError({ source: from, message: `cannot read config file ${path}: ${reason(err)}` });
  }
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ELOOP: 'too many symbolic links',
};

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  return code === undefined ? err.message : (FS_REASONS[code] ?? code);
}
