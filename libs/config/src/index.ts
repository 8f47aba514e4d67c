export { MAX_CFG_FILE_BYTES, MAX_INCLUDE_DEPTH, type ReadCfgOptions, readCfgFile } from './cfg-file.js';
export { type CfgEntry, type CfgInclude, type CfgSetting, parseCfgText } from './cfg-parser.js';
export {
  type ConfigDef,
  type ConfigOf,
  type ConfigShape,
  type ConfigValues,
  defineConfig,
  dumpConfig,
  envName,
  type LoadConfigOptions,
  loadConfig,
} from './config.js';
export { ConfigError, type ConfigIssue } from './config-error.js';
export {
  bool,
  type CfgField,
  duration,
  type FieldInfo,
  fieldInfo,
  int,
  list,
  listen,
  oneOf,
  secret,
  size,
  str,
} from './fields.js';
export {
  formatListen,
  formatListener,
  type Listener,
  parseListen,
  type TcpListener,
  type UnixListener,
} from './listen.js';
export type { Parsed } from './parsed.js';
export type { Bounds } from './scalars.js';
export { parseServiceArgs, type ServiceArgs } from './service-args.js';
