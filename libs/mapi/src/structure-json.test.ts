import { describe, expect, it } from 'vitest';
import { structureFromJson, structureToJson } from './structure-json.js';

describe('structure JSON', () => {
  it('round-trips Buffers (including non-UTF-8 bytes) inside nested data', () => {
    const v = { subject: Buffer.from([0xe9, 0x00, 0x41]), from: [{ name: null, host: Buffer.from('x.org') }], n: 3 };
    const back = structureFromJson<typeof v>(structureToJson(v));
    expect(back).toEqual(v);
    expect(Buffer.isBuffer(back.subject)).toBe(true);
  });

  it('leaves objects that merely have a $b key among others, and data without Buffers, as they are', () => {
    const v = { a: { $b: 'QQ==', other: 1 }, list: [[null, 'x', [1, { y: Buffer.from('z') }]]], s: '$b' };
    const back = structureFromJson<typeof v>(structureToJson(v));
    expect(back).toEqual(v);
    expect(structureFromJson('[1,"a",null,{"k":[]}]')).toEqual([1, 'a', null, { k: [] }]);
  });
});
