import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bodyStructureOf, envelopeOf, type MimeNode, parseMimeTree } from '@kgc/mapi';
import { describe, expect, it } from 'vitest';
import { serializeBodyStructure, serializeEnvelope } from './index.js';

/**
 * Differential test against Dovecot 2.3.19's recorded FETCH answers (/work/shared/fixtures/mime, see its README).
 * Everything must match byte for byte except the cases listed in DELIBERATE_DIFFERENCES.
 */

/** Cases where we deliberately answer differently from Dovecot, with the reason. Keyed "<fixture> <item>". */
const DELIBERATE_DIFFERENCES: ReadonlyMap<string, string> = new Map<string, string>([]);

function findCorpusDir(): string {
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

interface Exchange {
  command: string | { base64: string };
  untagged: Array<string | { base64: string }>;
  tagged: string;
}

interface Fixture {
  name: string;
  message: { file: string; size: number };
  items: Record<string, string>;
  fetches: Record<string, Exchange>;
  probes?: Record<string, Exchange>;
}

function bytesOf(value: string | { base64: string }): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.base64, 'base64');
}

const corpusDir = findCorpusDir();
const fixtures: Array<{ fixture: Fixture; raw: Buffer }> = readdirSync(corpusDir)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((n) => {
    const fixture = JSON.parse(readFileSync(join(corpusDir, n), 'utf8')) as Fixture;
    return { fixture, raw: readFileSync(join(corpusDir, fixture.message.file)) };
  });

function rfc822Size(tree: MimeNode): number {
  return tree.headerSize.virtual + tree.bodySize.virtual;
}

/** Our answer to `UID FETCH 1 (RFC822.SIZE BODYSTRUCTURE BODY ENVELOPE)`, in Dovecot's response form. */
function fetchItemsResponse(tree: MimeNode): Buffer {
  return Buffer.concat([
    Buffer.from(`* 1 FETCH (UID 1 RFC822.SIZE ${rfc822Size(tree)} BODYSTRUCTURE `, 'latin1'),
    serializeBodyStructure(bodyStructureOf(tree, { extended: true }), true),
    Buffer.from(' BODY ', 'latin1'),
    serializeBodyStructure(bodyStructureOf(tree, { extended: false }), false),
    Buffer.from(' ENVELOPE ', 'latin1'),
    serializeEnvelope(envelopeOf(tree)),
    Buffer.from(')', 'latin1'),
  ]);
}

interface Outcome {
  key: string;
  match: boolean;
  detail: string;
}

function compareItems(fixture: Fixture, raw: Buffer): Outcome[] {
  const tree = parseMimeTree(raw);
  const exchange = fixture.fetches['RFC822.SIZE BODYSTRUCTURE BODY ENVELOPE'];
  if (exchange === undefined) throw new Error(`${fixture.name}: no item fetch recorded`);
  const want = bytesOf(exchange.untagged[0] ?? '');
  const got = fetchItemsResponse(tree);
  const out: Outcome[] = [
    {
      key: `${fixture.name} RFC822.SIZE BODYSTRUCTURE BODY ENVELOPE`,
      match: got.equals(want),
      detail: `want ${want.toString('latin1')}\n got ${got.toString('latin1')}`,
    },
  ];
  // the same, item by item, so a failure names the item
  const items: Array<[string, Buffer]> = [
    ['RFC822.SIZE', Buffer.from(String(rfc822Size(tree)), 'latin1')],
    ['BODYSTRUCTURE', serializeBodyStructure(bodyStructureOf(tree, { extended: true }), true)],
    ['BODY', serializeBodyStructure(bodyStructureOf(tree, { extended: false }), false)],
    ['ENVELOPE', serializeEnvelope(envelopeOf(tree))],
  ];
  for (const [item, value] of items) {
    const expected = Buffer.from(fixture.items[item] ?? '', 'utf8');
    out.push({
      key: `${fixture.name} ${item}`,
      match: value.equals(expected),
      detail: `want ${expected.toString('latin1')}\n got ${value.toString('latin1')}`,
    });
  }
  return out;
}

describe('Dovecot 2.3.19 corpus: RFC822.SIZE, BODYSTRUCTURE, BODY, ENVELOPE', () => {
  it('finds all 58 fixtures', () => {
    expect(fixtures.length).toBe(58);
  });

  for (const { fixture, raw } of fixtures) {
    it(fixture.name, () => {
      for (const o of compareItems(fixture, raw)) {
        const reason = DELIBERATE_DIFFERENCES.get(o.key);
        if (reason !== undefined) {
          expect(o.match, `${o.key} is listed as a deliberate difference (${reason}) but matches`).toBe(false);
        } else {
          expect(o.match, `${o.key}\n${o.detail}`).toBe(true);
        }
      }
    });
  }

  it('reports the match count', () => {
    let matched = 0;
    let total = 0;
    for (const { fixture, raw } of fixtures) {
      for (const o of compareItems(fixture, raw)) {
        total++;
        if (o.match) matched++;
      }
    }
    console.info(`FETCH items: ${matched}/${total} byte-identical to Dovecot`);
    expect(matched + DELIBERATE_DIFFERENCES.size).toBe(total);
  });
});
