import { describe, expect, it } from 'vitest';
import { decodedBodyParts, decodedBodyText } from './body-text.js';
import { parseMimeTree } from './mime-parser.js';
import { decodeBase64Body, decodeQuotedPrintableBody } from './transfer-decode.js';

const text = (s: string) => {
  const raw = Buffer.from(s, 'latin1');
  return decodedBodyParts(raw, parseMimeTree(raw)).map((p) => [p.partNumber, p.mediaType, p.text]);
};

describe('transfer decoding', () => {
  it.each<[string, string]>([
    ['a=3Db', 'a=b'],
    ['soft=\r\nbreak', 'softbreak'],
    ['soft=  \r\nbreak', 'softbreak'],
    ['trailing   \r\nnext', 'trailing\r\nnext'],
    ['lower=c3=a9', 'lower\u00c3\u00a9'],
    ['bad=ZZ and = alone', 'bad=ZZ and = alone'],
    ['bare\nlf', 'bare\r\nlf'],
    ['end=', 'end'],
  ])('quoted-printable %j', (input, expected) => {
    expect(decodeQuotedPrintableBody(Buffer.from(input, 'latin1')).toString('latin1')).toBe(expected);
  });

  it.each<[string, string]>([
    ['SGVsbG8=', 'Hello'],
    ['SGVs\r\nbG8=\r\n', 'Hello'],
    ['SGVsbG8=IQ==', 'Hello!'],
    ['S G V s b G 8 *', 'Hello'],
    ['', ''],
  ])('base64 %j', (input, expected) => {
    expect(decodeBase64Body(Buffer.from(input, 'latin1')).toString('latin1')).toBe(expected);
  });
});

describe('decodedBodyParts', () => {
  it('decodes text parts by transfer encoding and charset, and skips non-text parts, headers and preambles', () => {
    expect(
      text(
        'Subject: header words\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n' +
          '--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
          'R=E9sum=E9\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
          'PHA+w6k8L3A+\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\nbinary words\r\n' +
          '--b\r\nContent-Type: text\r\n\r\nno subtype\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n' +
          'Status: 5.1.1\r\n--b--\r\nepilogue\r\n',
      ),
    ).toEqual([
      ['1', 'text/plain', 'Résumé'],
      ['2', 'text/html', '<p>é</p>'],
      ['5', 'message/delivery-status', 'Status: 5.1.1'],
    ]);
  });

  it('reads undeclared 8-bit as UTF-8 and descends into encapsulated messages', () => {
    expect(
      text(
        'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nGr\u00c3\u00b6\u00c3\u009fe Stra\u00dfe\r\n' +
          '--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner header\r\n\r\ninner body\r\n--b--\r\n',
      ),
    ).toEqual([
      ['1', 'text/plain', 'Größe Stra\ufffde'],
      ['2', 'text/plain', 'inner body'],
    ]);
  });

  it('joins the parts for decodedBodyText', () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--',
      'latin1',
    );
    expect(decodedBodyText(raw, parseMimeTree(raw))).toBe('one\ntwo');
  });
});
