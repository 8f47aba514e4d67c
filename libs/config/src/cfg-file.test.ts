import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CFG_FILE_BYTES, readCfgFile } from './cfg-file.js';
import { ConfigError } from './config-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kgc-cfg-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const pairs = (path: string): Array<[string, string]> => readCfgFile(path).map((s) => [s.key, s.value]);

describe('readCfgFile', () => {
  it('follows includes relative to the including file, in place', () => {
    mkdirSync(join(dir, 'conf.d'));
    write('conf.d/common.cfg', 'a = from-common\n!include more.cfg\n');
    write('conf.d/more.cfg', 'b = from-more\n');
    const main = write('main.cfg', 'x = 1\n!include conf.d/common.cfg\na = override\n');
    expect(pairs(main)).toEqual([
      ['x', '1'],
      ['a', 'from-common'],
      ['b', 'from-more'],
      ['a', 'override'],
    ]);
  });

  it('accepts absolute include paths and records each setting’s own file and line', () => {
    const abs = write('abs.cfg', '\n\nk = v\n');
    const main = write('main.cfg', `!include ${abs}\n`);
    expect(readCfgFile(main)).toEqual([{ kind: 'setting', key: 'k', value: 'v', file: abs, line: 3 }]);
  });

  it('rejects an include loop and names the chain', () => {
    const a = write('a.cfg', '!include b.cfg\n');
    write('b.cfg', '!include a.cfg\n');
    expect(() => readCfgFile(a)).toThrow(ConfigError);
    expect(() => readCfgFile(a)).toThrow(/b\.cfg:1: include loop: .*a\.cfg -> .*b\.cfg -> .*a\.cfg/);
  });

  it('rejects a file including itself, also through a symlink', () => {
    const self = write('self.cfg', 'k = v\n!include link.cfg\n');
    symlinkSync(self, join(dir, 'link.cfg'));
    expect(() => readCfgFile(self)).toThrow(/include loop/);
  });

  it('allows the same file included twice side by side (not a loop)', () => {
    write('common.cfg', 'k = v\n');
    const main = write('main.cfg', '!include common.cfg\n!include common.cfg\n');
    expect(pairs(main)).toEqual([
      ['k', 'v'],
      ['k', 'v'],
    ]);
  });

  it('limits include depth', () => {
    for (let i = 0; i < 12; i++) write(`d${i}.cfg`, `k${i} = ${i}\n!include d${i + 1}.cfg\n`);
    write('d12.cfg', 'end = yes\n');
    expect(() => readCfgFile(join(dir, 'd0.cfg'))).toThrow(/nested deeper than 8 levels/);
    expect(readCfgFile(join(dir, 'd9.cfg'), { maxDepth: 8 }).map((s) => s.key)).toEqual(['k9', 'k10', 'k11', 'end']);
  });

  it('names the including file and line when an include is missing', () => {
    const main = write('main.cfg', 'a = 1\n!include nope.cfg\n');
    expect(() => readCfgFile(main)).toThrow(/main\.cfg:2: cannot read config file .*nope\.cfg: no such file/);
  });

  it('refuses a directory and a device as a config file', () => {
    mkdirSync(join(dir, 'sub'));
    const main = write('main.cfg', '!include sub\n');
    expect(() => readCfgFile(main)).toThrow(/not a regular file/);
    const dev = write('dev.cfg', '!include /dev/zero\n');
    expect(() => readCfgFile(dev)).toThrow(/not a regular file/);
  });

  it('refuses an oversized file', () => {
    const big = write('big.cfg', `k = ${'x'.repeat(MAX_CFG_FILE_BYTES)}\n`);
    expect(() => readCfgFile(big)).toThrow(/larger than/);
  });

  it('reports syntax errors with the included file name', () => {
    write('broken.cfg', 'ok = 1\nbroken line\n');
    const main = write('main.cfg', '!include broken.cfg\n');
    expect(() => readCfgFile(main)).toThrow(/broken\.cfg:2: line has no "="/);
  });
});
