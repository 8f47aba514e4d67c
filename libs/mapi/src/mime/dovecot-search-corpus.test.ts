/**
 * The SEARCH answers of the Dovecot 2.3.19 corpus (../shared/fixtures/mime) as an oracle for the decoding
 * that SEARCH will be built on: SUBJECT/FROM/HEADER match a case-insensitive substring of the decoded header
 * (decodeHeaderText), BODY one of a decoded text part (decodedBodyParts), LARGER compares RFC822.SIZE.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMimeCorpus } from '../../../../test/support/mime-corpus.js';
import { decodedBodyParts } from './body-text.js';
import { decodeHeaderText } from './header-decode.js';
import { parseMimeTree } from './mime-parser.js';
import type { MimeNode } from './types.js';

interface SearchCase {
  command: string | { base64: string };
  uids: number[];
}

interface Fixture {
  name: string;
  message: { file: string };
  search: Record<string, SearchCase>;
}

type Criterion =
  | { kind: 'SUBJECT' | 'FROM' | 'BODY'; key: string }
  | { kind: 'HEADER'; field: string; key: string }
  | { kind: 'LARGER'; size: number };

/** `UID SEARCH [CHARSET UTF-8] <criterion>` with a quoted string or a literal argument. */
function parseCommand(command: string): Criterion {
  const rest = command.replace(/^UID SEARCH (?:CHARSET UTF-8 )?/, '');
  const larger = /^LARGER (\d+)$/.exec(rest);
  if (larger) return { kind: 'LARGER', size: Number(larger[1]) };
  const m = /^(SUBJECT|FROM|BODY|HEADER ([!-~]+)) (?:"((?:[^"\\]|\\.)*)"|\{(\d+)\}\r\n([\s\S]*))$/.exec(rest);
  if (m === null) throw new Error(`unexpected search command ${command}`);
  const key = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[5] as string);
  if (m[2] !== undefined) return { kind: 'HEADER', field: m[2], key };
  return { kind: m[1] as 'SUBJECT' | 'FROM' | 'BODY', key };
}

function headerMatches(tree: MimeNode, field: string, key: string): boolean {
  const k = key.toLowerCase();
  return tree.fields
    .filter((f) => f.name.toLowerCase() === field.toLowerCase())
    .some((f) => decodeHeaderText(f.rawValue).toLowerCase().includes(k));
}

function matches(raw: Buffer, tree: MimeNode, c: Criterion): boolean {
  switch (c.kind) {
    case 'SUBJECT':
    case 'FROM':
      return headerMatches(tree, c.kind, c.key);
    case 'HEADER':
      return headerMatches(tree, c.field, c.key);
    case 'BODY':
      return decodedBodyParts(raw, tree).some((p) => p.text.toLowerCase().includes(c.key.toLowerCase()));
    case 'LARGER':
      return tree.headerSize.virtual + tree.bodySize.virtual > c.size;
  }
}

const dir = findMimeCorpus();
const fixtures = readdirSync(dir)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as Fixture);

describe('Dovecot 2.3.19 corpus: SEARCH answers reproduced from decoded headers and bodies', () => {
  const cases = fixtures.map((fixture) => ({
    fixture,
    searches: Object.entries(fixture.search).map(([label, sc]) => ({
      label,
      criterion: parseCommand(
        typeof sc.command === 'string' ? sc.command : Buffer.from(sc.command.base64, 'base64').toString('utf8'),
      ),
      expected: sc.uids.length > 0,
    })),
  }));

  for (const { fixture, searches } of cases) {
    it(fixture.name, () => {
      const raw = readFileSync(join(dir, fixture.message.file));
      const tree = parseMimeTree(raw);
      for (const s of searches) {
        expect(matches(raw, tree, s.criterion), `${fixture.name}: ${s.label}`).toBe(s.expected);
      }
    });
  }

  it('covers every recorded search', () => {
    const total = cases.reduce((n, c) => n + c.searches.length, 0);
    console.info(`SEARCH: ${total} recorded answers checked`);
    expect(cases.length).toBe(58);
    expect(total).toBe(348);
  });
});
