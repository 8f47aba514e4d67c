/** `make bench`: every benchmark, figures to stdout. */
import { benchDagent } from './dagent-lmtp.bench.js';
import { benchDovecot } from './dovecot.bench.js';
import { benchGateway } from './gateway-imap.bench.js';
import { benchServer } from './server-soap.bench.js';
import { benchSpooler } from './spooler-relay.bench.js';

const started = Date.now();
process.stdout.write('KGC-TS benchmarks (MariaDB at 127.0.0.1:3306)\n\n[server]\n');
for (const line of await benchServer()) process.stdout.write(`  ${line}\n`);
process.stdout.write('\n[dagent]\n');
for (const line of await benchDagent()) process.stdout.write(`  ${line}\n`);
process.stdout.write('\n[spooler]\n');
for (const line of await benchSpooler()) process.stdout.write(`  ${line}\n`);
process.stdout.write('\n[gateway]\n');
for (const line of await benchGateway()) process.stdout.write(`  ${line}\n`);
process.stdout.write('\n[dovecot: the bar, same machine, same loads]\n');
for (const line of await benchDovecot()) process.stdout.write(`  ${line}\n`);
process.stdout.write(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(0);
