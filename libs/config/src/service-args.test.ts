import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parseServiceArgs, type ServiceArgs } from './service-args.js';

const defaults = { configFile: '/etc/kgc/gateway.cfg' };
const D = defaults.configFile;

describe('parseServiceArgs', () => {
  const good: Array<[string[], ServiceArgs]> = [
    [[], { configFile: D, configFileGiven: false, dumpConfig: false, rest: [] }],
    [['-c', 'a.cfg'], { configFile: 'a.cfg', configFileGiven: true, dumpConfig: false, rest: [] }],
    [['-ca.cfg'], { configFile: 'a.cfg', configFileGiven: true, dumpConfig: false, rest: [] }],
    [['--config', 'b.cfg'], { configFile: 'b.cfg', configFileGiven: true, dumpConfig: false, rest: [] }],
    [['--config=c.cfg'], { configFile: 'c.cfg', configFileGiven: true, dumpConfig: false, rest: [] }],
    [['--config=x=y.cfg'], { configFile: 'x=y.cfg', configFileGiven: true, dumpConfig: false, rest: [] }],
    [['--dump-config'], { configFile: D, configFileGiven: false, dumpConfig: true, rest: [] }],
    [
      ['-v', '--config', 'a.cfg', 'user1', '--dump-config', '-x'],
      { configFile: 'a.cfg', configFileGiven: true, dumpConfig: true, rest: ['-v', 'user1', '-x'] },
    ],
    [['-c', 'a.cfg', '-c', 'b.cfg'], { configFile: 'b.cfg', configFileGiven: true, dumpConfig: false, rest: [] }],
    [
      ['--', '-c', 'x', '--dump-config'],
      { configFile: D, configFileGiven: false, dumpConfig: false, rest: ['-c', 'x', '--dump-config'] },
    ],
    [['--configure'], { configFile: D, configFileGiven: false, dumpConfig: false, rest: ['--configure'] }],
  ];
  it.each(good)('parses %j', (argv, expected) => {
    expect(parseServiceArgs(argv, defaults)).toEqual(expected);
  });

  it.each([[['-c']], [['--config']], [['--config=']], [['--config', '']]])('rejects %j', (argv) => {
    expect(() => parseServiceArgs(argv, defaults)).toThrow(ConfigError);
    expect(() => parseServiceArgs(argv, defaults)).toThrow(/command line: .* needs a file name/);
  });
});
