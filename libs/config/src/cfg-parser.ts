import { ConfigError, type ConfigIssue } from './config-error.js';

/** A `key = value` line. The key keeps its spelling; lookups are case-insensitive like KGC's. */
export interface CfgSetting {
  readonly kind: 'setting';
  readonly key: string;
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

/** A `!include path` line; `path` is as written (relative paths are resolved by the file reader). */
export interface CfgInclude {
  readonly kind: 'include';
  readonly path: string;
  readonly file: string;
  readonly line: number;
}

export type CfgEntry = CfgSetting | CfgInclude;

const BOM = '\uFEFF';

/**
 * Parses the text of a KGC-style `*.cfg` file. Pure: includes are returned, not followed.
 *
 * - `key = value`; whitespace around key and value is trimmed; the first `=` splits.
 * - A line whose first non-blank character is `#` is a comment. A `#` elsewhere is part of the value.
 * - `!include path` is the only directive.
 * - Duplicate keys are all returned in order; the reader applies the last one, as KGC does.
 * - KGC silently skips a line without `=` or with an empty key. That hides typos such as
 *   `server_listen *:236`, so here they are errors naming file and line.
 */
export function parseCfgText(text: string, fileName: string): CfgEntry[] {
  const body = text.startsWith(BOM) ? text.slice(BOM.length) : text;
  const entries: CfgEntry[] = [];
  const issues: ConfigIssue[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const source = `${fileName}:${lineNo}`;
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!')) {
      const directive = parseDirective(line);
      if (directive.ok) entries.push({ kind: 'include', path: directive.path, file: fileName, line: lineNo });
      else issues.push({ source, message: directive.error });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) {
      issues.push({ source, message: `line has no "=" (expected "key = value"): ${preview(line)}` });
      continue;
    }
    const key = line.slice(0, eq).trim();
    if (key === '') {
      issues.push({ source, message: 'line has an empty key (expected "key = value")' });
      continue;
    }
    entries.push({ kind: 'setting', key, value: line.slice(eq + 1).trim(), file: fileName, line: lineNo });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return entries;
}

type Directive = { ok: true; path: string } | { ok: false; error: string };

function parseDirective(line: string): Directive {
  const match = /^!(\S*)\s*(.*)$/.exec(line);
  const name = match?.[1] ?? '';
  const arg = (match?.[2] ?? '').trim();
  if (name !== 'include')
    return { ok: false, error: `unknown directive "!${preview(name)}" (only !include is supported)` };
  if (arg === '') return { ok: false, error: '!include needs a file path' };
  return { ok: true, path: arg };
}

/** Keeps error messages readable when a hostile line is megabytes long. */
function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
