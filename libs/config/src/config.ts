import { statSync } from 'node:fs';
import { z } from 'zod';
import { readCfgFile } from './cfg-file.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { fieldInfo } from './fields.js';

/** Keys are KGC-style: lower case, digits and `_` (the env name is `KGC_` + the key upper-cased). */
export type ConfigShape = Record<string, z.ZodType<unknown, string | undefined>>;

export interface ConfigDef<S extends ConfigShape> {
  readonly shape: S;
  readonly schema: z.ZodObject<S>;
}

export type ConfigValues<S extends ConfigShape> = z.output<z.ZodObject<S>>;
/** `type GatewayConfig = ConfigOf<typeof gatewayConfig>` */
export type ConfigOf<D> = D extends ConfigDef<infer S> ? ConfigValues<S> : never;

export interface LoadConfigOptions {
  /** Path of the `*.cfg` file. Without it only defaults and the environment apply. */
  readonly file?: string;
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The file was named explicitly (e.g. `-c`): a missing file is then an error rather than "use defaults". */
  readonly required?: boolean;
}

const KEY_RE = /^[a-z][a-z0-9_]*$/;
const MASK = '********';
/** Values of keys named like this are never echoed in error messages, even if not declared `secret()`. */
const SECRET_NAME_RE = /pass|secret|token|private/;

/** A `secret()` field, also when refined or piped further (`secret().pipe(...)`). */
function isSecret(schema: z.core.$ZodType): boolean {
  if (fieldInfo.get(schema)?.secret === true) return true;
  return schema instanceof z.core.$ZodPipe && isSecret(schema._zod.def.in);
}

export function envName(key: string): string {
  return `KGC_${key.toUpperCase()}`;
}

export function defineConfig<S extends ConfigShape>(shape: S): ConfigDef<S> {
  const bad = Object.keys(shape).filter((k) => !KEY_RE.test(k));
  if (bad.length > 0) {
    throw new ConfigError(
      bad.map((key) => ({ key, source: 'definition', message: `key "${key}" must match ${KEY_RE.source}` })),
    );
  }
  return { shape, schema: z.object(shape) };
}

interface RawValue {
  readonly value: string;
  readonly source: string;
}

/**
 * Effective configuration: defaults < file (and its includes; the last duplicate wins) <
 * `KGC_<KEY>` environment variables. Throws one ConfigError listing every unknown key in a file
 * and every invalid value, each with its key and where it came from.
 */
export function loadConfig<S extends ConfigShape>(def: ConfigDef<S>, options: LoadConfigOptions = {}): ConfigValues<S> {
  const env = options.env ?? process.env;
  const known = new Map(Object.keys(def.shape).map((k) => [k, k] as const));
  const raw = new Map<string, RawValue>();
  const issues: ConfigIssue[] = [];

  if (options.file !== undefined && (options.required === true || exists(options.file))) {
    for (const s of readCfgFile(options.file)) {
      const source = `${s.file}:${s.line}`;
      const key = known.get(s.key.toLowerCase());
      if (key === undefined) issues.push({ key: s.key, source, message: `unknown key "${s.key}"` });
      else raw.set(key, { value: s.value, source });
    }
  }

  for (const key of known.keys()) {
    const name = envName(key);
    const value = env[name];
    if (value === undefined) continue;
    const source = `environment ${name}`;
    if (/[\r\n]/.test(value)) issues.push({ key, source, message: `value of "${key}" contains a line break` });
    else raw.set(key, { value: value.trim(), source });
  }

  const input = Object.fromEntries([...raw].map(([k, v]) => [k, v.value]));
  const result = def.schema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      issues.push(describeInvalid(def.shape, key, raw.get(key), issue.message, options.file));
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  if (!result.success) throw new ConfigError({ source: 'configuration', message: result.error.message });
  return result.data;
}

function describeInvalid(
  shape: ConfigShape,
  key: string,
  raw: RawValue | undefined,
  message: string,
  file: string | undefined,
): ConfigIssue {
  if (raw === undefined) {
    const where = file === undefined ? '' : ` in ${file} or`;
    return { key, source: 'configuration', message: `missing value for "${key}" (set it${where} in ${envName(key)})` };
  }
  const field = shape[key];
  const secret = (field !== undefined && isSecret(field)) || SECRET_NAME_RE.test(key);
  const shown = raw.value.length > 80 ? `${raw.value.slice(0, 80)}...` : raw.value;
  const got = secret ? '' : ` (got "${shown}")`;
  return { key, source: raw.source, message: `invalid value for "${key}": ${message}${got}` };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return false;
    return true; // let the reader report permission problems and the like
  }
}

/** The effective configuration as `key = value` lines in KGC format (parseable again), secrets masked. */
export function dumpConfig<S extends ConfigShape>(def: ConfigDef<S>, values: ConfigValues<S>): string {
  const record: Readonly<Record<string, unknown>> = values;
  const lines = Object.entries(def.shape).map(([key, schema]) => {
    const info = fieldInfo.get(schema);
    const value = record[key];
    const text = info === undefined ? formatPlain(value) : info.format(value);
    return `${key} = ${isSecret(schema) && text !== '' ? MASK : text}`;
  });
  return `${lines.join('\n')}\n`;
}

function formatPlain(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(formatPlain).join(' ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
