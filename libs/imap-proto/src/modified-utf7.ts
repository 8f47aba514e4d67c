/**
 * Mailbox names in modified UTF-7 (RFC 3501 §5.1.3): encoding for responses, strict decoding of client input.
 * Decoding refuses what RFC 3501 forbids so that one name has one spelling: raw 8-bit or control characters,
 * printable ASCII inside a shift, adjacent shifts, non-zero padding bits, unpaired surrogates, a missing `-`.
 */
import { ImapParseError } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_VALUE = new Map<string, number>([...B64].map((c, i) => [c, i]));

function encodeRun(units: number[]): string {
  let out = '&';
  let bits = 0;
  let acc = 0;
  for (const u of units) {
    acc = (acc << 16) | u;
    bits += 16;
    while (bits >= 6) {
      bits -= 6;
      out += B64[(acc >> bits) & 0x3f];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B64[(acc << (6 - bits)) & 0x3f];
  return `${out}-`;
}

/** A Unicode mailbox name in modified UTF-7. */
export function encodeModifiedUtf7(name: string): string {
  let out = '';
  let run: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      if (run.length > 0) {
        out += encodeRun(run);
        run = [];
      }
      out += c === 0x26 ? '&-' : name[i];
    } else {
      run.push(c);
    }
  }
  if (run.length > 0) out += encodeRun(run);
  return out;
}

function invalid(name: string, why: string): ImapParseError {
  return new ImapParseError(`Mailbox name ${JSON.stringify(name)} is not valid modified UTF-7: ${why}`);
}

/** A modified UTF-7 mailbox name decoded to Unicode. Throws {@link ImapParseError} (a BAD) when it is not valid. */
export function decodeModifiedUtf7(name: string): string {
  let out = '';
  let i = 0;
  let lastShiftEnd = -1;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw invalid(name, 'characters outside printable US-ASCII must be encoded');
    if (c !== 0x26) {
      out += name[i];
      i++;
      continue;
    }
    const end = name.indexOf('-', i + 1);
    if (end === -1) throw invalid(name, 'unterminated "&" shift');
    if (end === i + 1) {
      out += '&';
      i = end + 1;
      continue;
    }
    if (lastShiftEnd === i) throw invalid(name, 'adjacent encoded runs');
    let bits = 0;
    let acc = 0;
    const units: number[] = [];
    for (let j = i + 1; j < end; j++) {
      const v = B64_VALUE.get(name[j] as string);
      if (v === undefined) throw invalid(name, `"${name[j]}" in an encoded run`);
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        units.push((acc >> bits) & 0xffff);
      }
    }
    if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0) throw invalid(name, 'bad padding in an encoded run');
    for (let k = 0; k < units.length; k++) {
      const u = units[k] as number;
      if (u >= 0x20 && u <= 0x7e) throw invalid(name, 'printable US-ASCII inside an encoded run');
      if (u >= 0xd800 && u <= 0xdbff) {
        const low = units[k + 1];
        if (low === undefined || low < 0xdc00 || low > 0xdfff) throw invalid(name, 'unpaired surrogate');
        out += String.fromCharCode(u, low);
        k++;
        continue;
      }
      if (u >= 0xdc00 && u <= 0xdfff) throw invalid(name, 'unpaired surrogate');
      out += String.fromCharCode(u);
    }
    i = end + 1;
    lastShiftEnd = i;
  }
  return out;
}

/** True when `name` decodes as modified UTF-7. */
export function isModifiedUtf7(name: string): boolean {
  try {
    decodeModifiedUtf7(name);
    return true;
  } catch {
    return false;
  }
}
