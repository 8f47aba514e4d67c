/** The MIME fixture corpus (../shared/fixtures/mime beside the checkout, or KGC_MIME_FIXTURES). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findMimeCorpus(): string {
  const fromEnv = process.env.KGC_MIME_FIXTURES;
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'README.md'))) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    for (const candidate of [join(dir, 'shared', 'fixtures', 'mime'), join(dir, '..', 'shared', 'fixtures', 'mime')]) {
      if (existsSync(join(candidate, 'README.md'))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('MIME fixture corpus not found (set KGC_MIME_FIXTURES)');
    dir = parent;
  }
}
