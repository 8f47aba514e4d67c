/** kgc-admin's version: the package's (read next to src/ or dist/, which sit at the same depth). */
import { readFileSync } from 'node:fs';

export function adminVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : 'unknown';
}
