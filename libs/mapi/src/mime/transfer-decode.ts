import { ByteWriter, CR, LF, SP, TAB } from './bytes.js';

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const B64 = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

/**
 * Base64 body decoding, tolerant: line ends and other bytes outside the alphabet are skipped, and "=" padding
 * ends a block without ending the data (some mailers concatenate separately encoded blocks).
 */
export function decodeBase64Body(data: Buffer): Buffer {
  const out = new ByteWriter(Math.ceil((data.length * 3) / 4) + 3);
  let acc = 0;
  let bits = 0;
  for (const c of data) {
    if (c === 0x3d) {
      acc = 0;
      bits = 0;
      continue;
    }
    const v = B64[c] as number;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.byte((acc >> bits) & 0xff);
    }
  }
  return out.toBuffer();
}

/**
 * Strict-prefix base64 for RFC 2047 words (Dovecot's rule): decoding stops at the first byte that is not base64,
 * keeping what was decoded so far.
 */
export function decodeBase64Word(data: Buffer): Buffer {
  const out = new ByteWriter(data.length);
  let acc = 0;
  let bits = 0;
  for (const c of data) {
    const v = B64[c] as number;
    if (v < 0) break;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.byte((acc >> bits) & 0xff);
    }
  }
  return out.toBuffer();
}

/**
 * Quoted-printable body decoding (RFC 2045): soft line breaks joined, "=XX" decoded (either case), trailing
 * blanks before a line end removed, an invalid "=" kept as is.
 */
export function decodeQuotedPrintableBody(data: Buffer): Buffer {
  const out = new ByteWriter(data.length);
  let i = 0;
  const n = data.length;
  while (i < n) {
    // one line
    let lineEnd = data.indexOf(LF, i);
    const hasLf = lineEnd !== -1;
    if (!hasLf) lineEnd = n;
    let contentEnd = lineEnd;
    if (hasLf && contentEnd > i && data[contentEnd - 1] === CR) contentEnd--;
    let trimmed = contentEnd;
    while (trimmed > i && (data[trimmed - 1] === SP || data[trimmed - 1] === TAB)) trimmed--;
    let soft = false;
    for (let j = i; j < trimmed; j++) {
      const c = data[j] as number;
      if (c !== 0x3d) {
        out.byte(c);
        continue;
      }
      if (j === trimmed - 1) {
        soft = true;
        break;
      }
      const hi = hexValue(data[j + 1]);
      const lo = hexValue(data[j + 2]);
      if (hi >= 0 && lo >= 0) {
        out.byte(hi * 16 + lo);
        j += 2;
      } else {
        out.byte(c);
      }
    }
    if (hasLf && !soft) {
      out.byte(CR);
      out.byte(LF);
    }
    i = hasLf ? lineEnd + 1 : n;
  }
  return out.toBuffer();
}

/** RFC 2047 "Q" decoding: "_" is a space, "=XX" a byte; an invalid "=" is kept. */
export function decodeQWord(data: Buffer): Buffer {
  const out = new ByteWriter(data.length);
  for (let j = 0; j < data.length; j++) {
    const c = data[j] as number;
    if (c === 0x5f) {
      out.byte(SP);
    } else if (c === 0x3d) {
      const hi = hexValue(data[j + 1]);
      const lo = hexValue(data[j + 2]);
      if (hi >= 0 && lo >= 0) {
        out.byte(hi * 16 + lo);
        j += 2;
      } else {
        out.byte(c);
      }
    } else {
      out.byte(c);
    }
  }
  return out.toBuffer();
}
