import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromXml, toXml } from './codec.js';
import { KcError } from './errors.js';
import { acceptsMtom, buildMultipart, parseMultipart, XOP_MIN_BYTES } from './mtom.js';
import { many, one, opt, t } from './schema.js';
import { parseXml, type XmlNode } from './xml.js';

const Msg = t.struct('Msg', { id: one(t.long), raw: opt(t.base64) });
const fields = { messages: many(Msg) };
const rootOf = (xml: string) => parseXml(`<r>${xml}</r>`).children[0] as XmlNode;

describe('MTOM replies', () => {
  it('moves large base64 values into binary parts and reads them back byte for byte', () => {
    const big = randomBytes(XOP_MIN_BYTES + 5000);
    const small = Buffer.from('small');
    const edge = Buffer.alloc(XOP_MIN_BYTES, 0x0d);
    const value = {
      messages: [
        { id: 1, raw: big },
        { id: 2, raw: small },
        { id: 3, raw: edge },
      ],
    };
    const parts: Buffer[] = [];
    const xml = toXml(fields, value, parts);
    expect(parts).toEqual([big, edge]);
    expect(xml).toContain('<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:1@kgc-ts"/>');
    expect(xml).toContain(`<raw>${small.toString('base64')}</raw>`);
    const built = buildMultipart(`<r>${xml}</r>`, parts);
    if (!built) throw new Error('no multipart');
    expect(built.contentType).toMatch(/^multipart\/related; type="application\/xop\+xml"; boundary="kgc-[0-9a-f]{24}"/);
    const { root, parts: got } = parseMultipart(built.contentType, built.body);
    expect(fromXml(fields, parseXml(root).children[0] as XmlNode, '', got)).toEqual(value);
  });

  it('falls back to XML when a part holds the delimiter, or starts with the boundary', () => {
    expect(buildMultipart('<r/>', [Buffer.from('data\r\n--kgc-fixed\r\nmore')], 'kgc-fixed')).toBeNull();
    expect(buildMultipart('<r/>', [Buffer.from('--kgc-fixed\r\nmore')], 'kgc-fixed')).toBeNull();
    expect(buildMultipart('<r/>', [Buffer.from('-kgc-fixed\r\nmore')], 'kgc-fixed')).not.toBeNull();
  });

  it('copies parts out of the reply (a cached body must not pin it), and reads a long header fast', () => {
    const body = Buffer.from(
      `--b\r\nContent-ID: <root>\r\n\r\n<r/>\r\n--b\r\nContent-ID:${' '.repeat(100_000)}x>y\r\n\r\nDATA\r\n--b--\r\n`,
      'latin1',
    );
    const { parts } = parseMultipart(ct('b'), body);
    const data = parts.get('x>y');
    expect(data?.toString()).toBe('DATA');
    expect(data?.buffer).not.toBe(body.buffer);
  });

  it('negotiates by Accept only', () => {
    expect(acceptsMtom('multipart/related, text/xml')).toBe(true);
    expect(acceptsMtom('text/xml;q=0.5, Multipart/Related;q=1')).toBe(true);
    expect(acceptsMtom('text/xml')).toBe(false);
    expect(acceptsMtom('multipart/related-not')).toBe(false);
    expect(acceptsMtom(undefined)).toBe(false);
  });

  it('refuses an xop:Include that names no part of the reply, or any without parts', () => {
    const xml = '<messages><id>1</id><raw><xop:Include xmlns:xop="x" href="cid:9@kgc-ts"/></raw></messages>';
    expect(() => fromXml(fields, rootOf(xml), '', new Map([['1@kgc-ts', Buffer.from('x')]]))).toThrow(
      /messages\[0\]\.raw: expected base64 or an xop:Include/,
    );
    expect(() => fromXml(fields, rootOf(xml))).toThrow(KcError);
    const badUrl = '<messages><id>1</id><raw><xop:Include xmlns:xop="x" href="cid:%"/></raw></messages>';
    expect(() => fromXml(fields, rootOf(badUrl), '', new Map([['%', Buffer.from('x')]]))).toThrow(KcError);
    const nested = '<messages><id>1</id><raw>QUJD<x/></raw></messages>';
    expect(() => fromXml(fields, rootOf(nested))).toThrow(KcError);
  });

  const ct = (b: string, extra = '') => `multipart/related; type="application/xop+xml"; boundary="${b}"${extra}`;
  const part = (id: string, body: string) => `Content-Type: x\r\nContent-ID: <${id}>\r\n\r\n${body}`;

  it.each([
    { name: 'no boundary', type: 'multipart/related', body: '--b\r\n\r\n<r/>\r\n--b--' },
    { name: 'boundary too long', type: ct('b'.repeat(71)), body: '' },
    { name: 'no delimiter at all', type: ct('b'), body: '<r/>' },
    { name: 'no close delimiter', type: ct('b'), body: `--b\r\n${part('root', '<r/>')}` },
    { name: 'headers never end', type: ct('b'), body: '--b\r\nContent-ID: <root>\r\n<r/>' },
    { name: 'truncated after a delimiter', type: ct('b'), body: `--b\r\n${part('root', '<r/>')}\r\n--b` },
    { name: 'start names no part', type: ct('b', '; start="<nope>"'), body: `--b\r\n${part('root', '<r/>')}\r\n--b--` },
  ])('refuses a malformed multipart body: $name', ({ type, body }) => {
    expect(() => parseMultipart(type, Buffer.from(body, 'latin1'))).toThrow(KcError);
  });

  it('reads the start part as the root, a preamble, and parts whose data looks like delimiters', () => {
    const body = `preamble\r\n--b\r\n${part('p1', 'one\r\n--bx\r\n-- b')}\r\n--b\r\n${part('root', '<r/>')}\r\n--b--\r\nepilogue`;
    const { root, parts } = parseMultipart(ct('b', '; start="<root>"'), Buffer.from(body, 'latin1'));
    expect(root).toBe('<r/>');
    expect(parts.get('p1')?.toString('latin1')).toBe('one\r\n--bx\r\n-- b');
  });
});
