import { describe, expect, it } from 'vitest';
import { bodyStructureOf } from './body-structure.js';
import { envelopeOf } from './envelope.js';
import { MAX_MIME_DEPTH, MAX_MIME_PARTS } from './limits.js';
import { findPart, parseMimeTree } from './mime-parser.js';
import type { MimeNode } from './types.js';

const msg = (s: string) => Buffer.from(s, 'latin1');

function* walk(node: MimeNode): Generator<MimeNode> {
  yield node;
  for (const c of node.children) yield* walk(c);
  if (node.message) yield* walk(node.message);
}

function outline(node: MimeNode): string[] {
  return [...walk(node)].map(
    (n) => `${n.partNumber || '-'} ${n.mediaType} ${n.size}${n.lines === null ? '' : `/${n.lines}`}`,
  );
}

/** Structural invariants every tree must satisfy, whatever the input. Returns the violations. */
function invariantViolations(raw: Buffer, root: MimeNode): string[] {
  const bad: string[] = [];
  const check = (ok: boolean, what: string, n: MimeNode) => {
    if (!ok) bad.push(`${n.partNumber || '-'}@${n.depth}: ${what}`);
  };
  for (const n of walk(root)) {
    check(n.headerStart <= n.headerEnd && n.headerEnd <= n.bodyStart, 'header offsets', n);
    check(n.bodyStart <= n.bodyEnd && n.bodyEnd <= raw.length, 'body offsets', n);
    check(n.headerSize.physical === n.bodyStart - n.headerStart, 'header size', n);
    check(n.bodySize.physical === n.bodyEnd - n.bodyStart, 'body size', n);
    check(n.depth < MAX_MIME_DEPTH, 'depth', n);
    let at = n.bodyStart;
    for (const c of n.message ? [n.message] : n.children) {
      check(c.headerStart >= at && c.bodyEnd <= n.bodyEnd, 'child inside parent body, in order', c);
      check(c.depth === n.depth + 1, 'child depth', c);
      at = c.bodyEnd;
    }
  }
  check(root.headerStart === 0 && root.bodyEnd === raw.length, 'root spans the input', root);
  return bad;
}

function checkInvariants(raw: Buffer, root: MimeNode): void {
  expect(invariantViolations(raw, root)).toEqual([]);
}

describe('parseMimeTree', () => {
  it('records offsets, part numbers, sizes and line counts', () => {
    const raw = msg(
      'Content-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b\r\n\r\none\r\n--b\r\n' +
        'Content-Type: image/png\r\n\r\nPNG\r\n--b--\r\nepilogue\r\n',
    );
    const root = parseMimeTree(raw);
    checkInvariants(raw, root);
    expect(outline(root)).toEqual(['- multipart/mixed 71', '1 text/plain 3/0', '2 image/png 3']);
    const [one, two] = root.children as [MimeNode, MimeNode];
    expect(raw.toString('latin1', one.bodyStart, one.bodyEnd)).toBe('one');
    expect(raw.toString('latin1', one.headerStart, one.bodyStart)).toBe('\r\n');
    expect(raw.toString('latin1', two.headerStart, two.headerEnd)).toBe('Content-Type: image/png\r\n');
    expect(raw.toString('latin1', two.bodyStart, two.bodyEnd)).toBe('PNG');
    expect(root.isMime).toBe(true);
  });

  it('counts a bare LF as CRLF in sizes', () => {
    const raw = msg('Subject: x\n\nline one\nline two\n');
    const root = parseMimeTree(raw);
    expect(root.headerSize).toEqual({ physical: 12, virtual: 14, lines: 2 });
    expect(root.bodySize).toEqual({ physical: 18, virtual: 20, lines: 2 });
  });

  it.each<[string, string, string[]]>([
    [
      'inner boundary is a prefix-extension of the outer one',
      'Content-Type: multipart/mixed; boundary=mix\r\n\r\n--mix\r\nContent-Type: multipart/alternative; boundary=mix-alt\r\n\r\n' +
        '--mix-alt\r\n\r\na\r\n--mix-alt--\r\n--mix\r\n\r\nb\r\n--mix--\r\n',
      ['- multipart/mixed 114', '1 multipart/alternative 29', '1.1 text/plain 1/0', '2 text/plain 1/0'],
    ],
    [
      'the close delimiter is missing: the last part runs to the end',
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nlast\r\n',
      ['- multipart/mixed 13', '1 text/plain 6/1'],
    ],
    [
      'an unclosed inner multipart is ended by the outer boundary',
      'Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n' +
        '--i\r\n\r\nx\r\n--o\r\n\r\ny\r\n--o--\r\n',
      ['- multipart/mixed 83', '1 multipart/alternative 8', '1.1 text/plain 1/0', '2 text/plain 1/0'],
    ],
    [
      'a boundary line in the epilogue after the close delimiter is ignored',
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--b\r\n\r\ny\r\n',
      ['- multipart/mixed 27', '1 text/plain 1/0'],
    ],
    [
      'no boundary parameter: a multipart without parts',
      'Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nbody\r\n',
      ['- multipart/mixed 13'],
    ],
    ['no MIME headers at all: text/plain', 'Subject: s\r\n\r\nhello\r\n', ['- text/plain 7/1']],
    ['headers only', 'Subject: s\r\n', ['- text/plain 0/0']],
    ['empty input', '', ['- text/plain 0/0']],
    ['no header at all', '\r\nbody', ['- text/plain 4/0']],
    [
      'Content-Type without MIME-Version still counts, other Content-* fields without either are dropped',
      'Content-Transfer-Encoding: base64\r\n\r\nQQ==\r\n',
      ['- text/plain 6/1'],
    ],
    [
      'multipart/digest parts default to message/rfc822',
      'Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: in\r\n\r\nx\r\n--d--\r\n',
      ['- multipart/digest 32', '1 message/rfc822 16/2', '1 text/plain 1/0'],
    ],
    [
      'NUL bytes and 8-bit headers',
      'Subject: gr\u00fc\u00dfe\r\nContent-Type: text/plain; name="\u00e9t\u00e9"\r\n\r\na\u0000b\r\n',
      ['- text/plain 5/1'],
    ],
  ])('%s', (_title, input, expected) => {
    const raw = msg(input);
    const root = parseMimeTree(raw);
    checkInvariants(raw, root);
    expect(outline(root)).toEqual(expected);
  });

  it('numbers encapsulated messages like IMAP', () => {
    const inner = 'Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\n\r\nx\r\n--a\r\n\r\ny\r\n--a--\r\n';
    const top = parseMimeTree(msg(`Content-Type: message/rfc822\r\n\r\n${inner}`));
    expect(outline(top)).toEqual([
      '- message/rfc822 78/9',
      '1 multipart/alternative 27',
      '1.1 text/plain 1/0',
      '1.2 text/plain 1/0',
    ]);
    const nested = parseMimeTree(
      msg(
        'Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n\r\nt\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n' +
          'Subject: inner\r\n\r\nplain\r\n--o--\r\n',
      ),
    );
    expect(outline(nested)).toEqual([
      '- multipart/mixed 79',
      '1 text/plain 1/0',
      '2 message/rfc822 23/2',
      '2 text/plain 5/0',
    ]);
    expect(findPart(nested, '2')?.mediaType).toBe('message/rfc822');
    expect(findPart(nested, '2.1')?.partNumber).toBe('2');
    expect(findPart(nested, '2.1')).toBe(nested.children[1]?.message);
    // Dovecot resolves "n.1" of a non-multipart, non-message part to the part itself
    expect(findPart(nested, '1.1')).toBe(nested.children[0]);
    expect(findPart(nested, '1.2')).toBeNull();
    expect(findPart(nested, '1.1.1')).toBeNull();
    expect(findPart(nested, '3')).toBeNull();
    expect(findPart(nested, '0')).toBeNull();
    expect(findPart(nested, '1.')).toBeNull();
    expect(findPart(nested, '')).toBe(nested);
  });

  it(`caps nesting at MAX_MIME_DEPTH (${MAX_MIME_DEPTH})`, () => {
    let body = 'leaf\r\n';
    for (let i = 199; i >= 0; i--) {
      body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
    }
    const raw = msg(body);
    const root = parseMimeTree(raw);
    checkInvariants(raw, root);
    const deepest = Math.max(...[...walk(root)].map((n) => n.depth));
    expect(deepest).toBe(MAX_MIME_DEPTH - 1);
    const last = [...walk(root)].find((n) => n.depth === MAX_MIME_DEPTH - 1) as MimeNode;
    expect(last.isMultipart).toBe(false);
    expect(last.children).toEqual([]);

    let rfc = 'Subject: leaf\r\n\r\nx\r\n';
    for (let i = 0; i < 200; i++) rfc = `Content-Type: message/rfc822\r\n\r\n${rfc}`;
    const deep = parseMimeTree(msg(rfc));
    expect(Math.max(...[...walk(deep)].map((n) => n.depth))).toBe(MAX_MIME_DEPTH - 1);
    expect(() => bodyStructureOf(deep, { extended: true })).not.toThrow();
  });

  it(`caps the number of parts at MAX_MIME_PARTS (${MAX_MIME_PARTS})`, () => {
    const raw = msg(
      `Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n\r\nx\r\n'.repeat(MAX_MIME_PARTS + 500)}--b--\r\n`,
    );
    const root = parseMimeTree(raw);
    checkInvariants(raw, root);
    expect(root.children.length).toBe(MAX_MIME_PARTS);
  });

  it('never throws and keeps its invariants on random MIME-like input', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = [
      '--b\r\n',
      '--b--\r\n',
      '--bb\n',
      '--',
      '\r\n',
      '\n',
      '\r',
      '\u0000',
      'Content-Type: multipart/mixed; boundary=b\r\n',
      'Content-Type: multipart/digest; boundary="bb"\r\n',
      'Content-Type: message/rfc822\r\n',
      "Content-Type: text/plain; charset*0*=utf-8''%C3; charset*1*=%BC\r\n",
      'Content-Disposition: attachment; filename="a\\"b"\r\n',
      'From: "x" <a@b>, (c) d@, <@e:f@g>, h:;\r\n',
      'Subject: =?UTF-8?B?w7w=?=\r\n',
      ' folded\r\n',
      'MIME-Version: 1.0\r\n',
      'body text ',
      '\u00ff\u00fe',
      ':',
      '(',
      '"',
    ];
    for (let round = 0; round < 400; round++) {
      const parts: string[] = [];
      const count = 1 + rnd(60);
      for (let i = 0; i < count; i++) parts.push(pieces[rnd(pieces.length)] as string);
      const raw = msg(parts.join(''));
      let root: MimeNode | undefined;
      expect(() => {
        root = parseMimeTree(raw);
      }).not.toThrow();
      checkInvariants(raw, root as MimeNode);
      for (const n of walk(root as MimeNode)) {
        expect(() => bodyStructureOf(n, { extended: true })).not.toThrow();
        expect(() => envelopeOf(n)).not.toThrow();
      }
    }
  });

  it('stays linear on pathological input', () => {
    const boundaries = Array.from({ length: 48 }, (_, i) => `b${'x'.repeat(i)}`);
    let head = '';
    for (const b of boundaries)
      head += `--${b.slice(0, -1) || 'b'}\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n`;
    const cases = [
      msg(
        `Content-Type: multipart/mixed; boundary=b\r\n\r\n${head}${'--bxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n'.repeat(60_000)}`,
      ),
      msg(`Subject: x\r\n${' y\r\n'.repeat(500_000)}\r\n`),
      msg(`X: ${'a'.repeat(2_000_000)}\r\n\r\n`),
      msg(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n'.repeat(9_000)}${'\n'.repeat(1_000_000)}`),
    ];
    const started = Date.now();
    for (const raw of cases) checkInvariants(raw, parseMimeTree(raw));
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
