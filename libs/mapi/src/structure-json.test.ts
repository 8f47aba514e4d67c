import { describe, expect, it } from 'vitest';
import { structureFromJson, structureToJson } from './structure-json.js';

describe('structure JSON', () => {
  it('round-trips Buffers (including non-UTF-8 bytes) inside nested data', () => {
    const v = { subject: Buffer.from([0xe9, 0x00, 0x41]), from: [{ name: null, host: Buffer.from('x.org') }], n: 3 };
    const back = structureFromJson<typeof v>(structureToJson(v));
    expect(back).toEqual(v);
    expect(Buffer.isBuffer(back.subject)).toBe(true);
  });
});
