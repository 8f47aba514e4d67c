import { describe, expect, it } from 'vitest';
import { fromXml, toXml } from './codec.js';
import { KcError } from './errors.js';
import { many, one, opt, t } from './schema.js';
import { operations } from './spec.js';
import { generateWsdl } from './wsdl.js';
import { parseXml, type XmlNode } from './xml.js';

const Inner = t.struct('Inner', { n: one(t.long), tags: many(t.string) });
const fields = {
  s: one(t.string),
  i: opt(t.int),
  b: opt(t.boolean),
  d: opt(t.dateTime),
  raw: opt(t.base64),
  list: many(t.long),
  inner: opt(Inner),
  inners: many(Inner),
};

describe('codec', () => {
  it('round-trips typed values through XML', () => {
    const value = {
      s: 'a < b & "c" \r\n é 🎉',
      i: -5,
      b: false,
      d: new Date('2024-03-04T12:00:00.000Z'),
      raw: Buffer.from([0, 1, 2, 255]),
      list: [1, 2, 9007199254740991],
      inner: { n: 3, tags: ['x'] },
      inners: [
        { n: 1, tags: [] },
        { n: 2, tags: ['a', 'b'] },
      ],
    };
    const xml = `<root>${toXml(fields, value)}</root>`;
    const back = fromXml(fields, parseXml(xml).children[0] as never);
    expect(back).toEqual(value);
  });

  it('replaces characters XML cannot carry instead of producing broken XML', () => {
    const xml = `<root>${toXml(fields, { s: 'nul\u0000bell\u0007', list: [], inners: [] })}</root>`;
    expect((fromXml(fields, parseXml(xml).children[0] as never) as { s: string }).s).toBe('nul\uFFFDbell\uFFFD');
  });

  const read = (inner: string, f: Parameters<typeof fromXml>[0] = fields) =>
    fromXml(f, parseXml(`<root>${inner}</root>`).children[0] as XmlNode);

  it.each([
    ['int not a number', '<s>x</s><i>abc</i>'],
    ['int out of range', '<s>x</s><i>2147483648</i>'],
    ['long beyond 2^53', '<s>x</s><list>9007199254740993</list>'],
    ['bad boolean', '<s>x</s><b>yes</b>'],
    ['bad base64', '<s>x</s><raw>@@@</raw>'],
    ['bad date', '<s>x</s><d>yesterday</d>'],
    ['required struct field missing', '<s>x</s><inner><tags>a</tags></inner>'],
  ])('rejects input: %s', (_name, inner) => {
    expect(() => read(inner)).toThrow(KcError);
  });

  it('keeps empty strings: an empty element is "", an absent one is not given', () => {
    const f = { a: opt(t.string), b: opt(t.string), list: many(t.string), n: opt(t.int) };
    expect(read('<a></a><list>x</list><list/><list></list>', f)).toEqual({ a: '', list: ['x', '', ''] });
  });

  it('names the path of a value it cannot decode', () => {
    const rows = { rows: many(Inner) };
    expect(() => read('<rows><n>1</n></rows><rows><n>x</n></rows>', rows)).toThrow('rows[1].n: expected an integer');
    expect(() => read('<rows><tags>a</tags></rows>', rows)).toThrow('rows[0].n: is required');
  });

  it('reads single and repeated elements by the spec (one vs many)', () => {
    const v = read('<s>x</s><i>7</i><b>true</b><list>5</list><inners><n>1</n><tags>only</tags></inners>');
    expect(v).toEqual({ s: 'x', i: 7, b: true, list: [5], inners: [{ n: 1, tags: ['only'] }] });
  });
});

describe('xml parser', () => {
  it.each([
    [
      'doctype with external entity',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    ],
    ['billion laughs', '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>'],
    ['unknown entity', '<r>&nope;</r>'],
    ['unclosed', '<r><a></r>'],
    ['garbage', '\u0000\u0001binary'],
    ['mismatched close tag', '<r><a>x</b></r>'],
    ['two roots', '<r/><r/>'],
    ['text after the root', '<r/>tail'],
    ['raw < in text', '<r>a < b</r>'],
    ['< in an attribute value', '<r a="<"/>'],
    ['NUL character reference', '<r>&#0;</r>'],
    ['surrogate character reference', '<r>&#xD800;</r>'],
    ['unterminated CDATA', '<r><![CDATA[x</r>'],
    ['empty document', ''],
    ['parameter entity outside a DTD', '<r>%x;&amp</r>'],
  ])('rejects %s', (_n, xml) => {
    expect(() => parseXml(xml)).toThrow(KcError);
  });

  it('reads text, CDATA, entities and character references into the element text; drops prefixes', () => {
    const doc = parseXml(
      '<?xml version="1.0"?><!-- c --><s:r xmlns:s="urn:x" a="1"><a>x &amp; &lt;y&gt; &#233;&#x1F389;</a><b><![CDATA[<raw>]]> tail</b><c/></s:r>',
    );
    const r = doc.children[0] as XmlNode;
    expect(r.name).toBe('r');
    expect(r.children.map((c) => [c.name, c.text])).toEqual([
      ['a', 'x & <y> é🎉'],
      ['b', '<raw> tail'],
      ['c', ''],
    ]);
  });
});

describe('wsdl', () => {
  it('declares every operation with request and response elements', () => {
    const wsdl = generateWsdl();
    for (const name of Object.keys(operations)) {
      expect(wsdl).toContain(`<xsd:element name="${name}">`);
      expect(wsdl).toContain(`<xsd:element name="${name}Response">`);
      expect(wsdl).toContain(`<operation name="${name}"><soap:operation`);
    }
    expect(() => parseXml(wsdl)).not.toThrow();
  });
});
