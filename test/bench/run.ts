/** `make bench`: every benchmark, figures to stdout; `tsx test/bench/run.ts dagent dovecot` runs only those. */
import { benchDagent } from './dagent-lmtp.bench.js';
import { benchDovecot } from './dovecot.bench.js';
import { benchGateway } from './gateway-imap.bench.js';
import { bufferPoolAtLeast } from './lib.js';
import { benchServer } from './server-soap.bench.js';
import { benchSpooler } from './spooler-relay.bench.js';
import { benchVersus } from './versus.bench.js';

const sections: [string, string, () => Promise<string[]>][] = [
  ['server', 'server', benchServer],
  ['dagent', 'dagent', benchDagent],
  ['spooler', 'spooler', benchSpooler],
  ['gateway', 'gateway', benchGateway],
  ['dovecot', 'dovecot: the bar, same machine, same loads', benchDovecot],
  ['versus', 'gateway and Dovecot, the same IMAP and POP3 loads in turn', benchVersus],
];
const only = process.argv.slice(2);
const unknown = only.filter((name) => !sections.some(([n]) => n === name));
if (unknown.length > 0) {
  process.stderr.write(`unknown section ${unknown.join(', ')}; sections: ${sections.map(([n]) => n).join(', ')}\n`);
  process.exit(2);
}
const started = Date.now();
const MiB = 1024 * 1024;
const pool = await bufferPoolAtLeast(1024 * MiB);
process.stdout.write(
  `KGC-TS benchmarks (MariaDB at 127.0.0.1:3306, innodb_buffer_pool_size ${pool.now / MiB} MiB${pool.now !== pool.found ? ` for the run, ${pool.found / MiB} MiB before` : ''})\n`,
);
try {
  for (const [name, title, run] of sections) {
    if (only.length > 0 && !only.includes(name)) continue;
    process.stdout.write(`\n[${title}]\n`);
    for (const line of await run()) process.stdout.write(`  ${line}\n`);
  }
} finally {
  await pool.restore();
}
process.stdout.write(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(0);
