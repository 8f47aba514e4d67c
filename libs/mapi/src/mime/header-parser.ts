import { CR, isLwsp, LF, NUL, withoutCrLf } from './bytes.js';

/** One header field. Buffers are views into the raw message (no copies) except `value` when it was folded. */
export interface HeaderField {
  /** Name as written, without the blanks before the colon (bytes read as latin1). The whole line when it has no colon. */
  name: string;
  /** Offset of the field's first byte in the raw message. */
  start: number;
  /** Offset after the field's last line end (or after its last byte when the header stops there). */
  end: number;
  /**
   * The raw value: after the colon and the blanks that follow it (Dovecot's rule: all of them, or exactly one when
   * the line holds nothing else), up to the last line end, folding line breaks kept. Encoded words untouched.
   */
  rawValue: Buffer;
  /** `rawValue` unfolded (CR and LF removed, the blanks of continuation lines kept). */
  value: Buffer;
  /** False when the first line has no colon (Dovecot treats the whole line as the name). */
  hasColon: boolean;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset where the header ends, the empty separator line excluded. */
  fieldsEnd: number;
  /** Offset where the body starts (after the separator line, if there was one). */
  end: number;
  /** True when an empty line ended the header. */
  terminated: boolean;
  /** Offset of the boundary line that cut the header short (see {@link parseHeaderBlock}), or -1. */
  boundaryLine: number;
  hasNuls: boolean;
}

/**
 * Reads a header section starting at `start`. It ends at an empty line (included in the header), at the end of the
 * input, or (when `isBoundaryLine` says so for a line start) before a boundary line; in that last case the line end
 * before the boundary belongs to the boundary, as in Dovecot, so `end` moves back over it.
 */
export function parseHeaderBlock(
  raw: Buffer,
  start: number,
  isBoundaryLine: ((lineStart: number) => boolean) | null,
): HeaderBlock {
  const len = raw.length;
  const fields: HeaderField[] = [];
  let pos = start;
  let prevNewline = 0;
  let hasNuls = false;

  for (;;) {
    if (pos >= len) {
      return { fields, fieldsEnd: pos, end: pos, terminated: false, boundaryLine: -1, hasNuls };
    }
    const first = raw[pos];
    if (isBoundaryLine !== null && first === 0x2d && isBoundaryLine(pos)) {
      const end = pos - prevNewline;
      const last = fields[fields.length - 1];
      if (last && last.end > end) trimField(raw, last, end);
      return { fields, fieldsEnd: end, end, terminated: false, boundaryLine: pos, hasNuls };
    }
    if (first === LF) {
      return { fields, fieldsEnd: pos, end: pos + 1, terminated: true, boundaryLine: -1, hasNuls };
    }
    if (first === CR && pos + 1 < len && raw[pos + 1] === LF) {
      return { fields, fieldsEnd: pos, end: pos + 2, terminated: true, boundaryLine: -1, hasNuls };
    }

    // First line of a field.
    const fieldStart = pos;
    let lineEnd = raw.indexOf(LF, pos);
    let contentEnd: number;
    if (lineEnd === -1) {
      lineEnd = len;
      contentEnd = len;
      prevNewline = 0;
    } else {
      contentEnd = lineEnd > pos && raw[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      prevNewline = lineEnd - contentEnd + 1;
    }
    // One pass over the line: the first colon, NULs, and CRs inside it (which unfolding removes).
    let colon = -1;
    let innerCr = false;
    for (let i = pos; i < contentEnd; i++) {
      const c = raw[i] as number;
      if (c === 0x3a) {
        if (colon === -1) colon = i;
      } else if (c === NUL) hasNuls = true;
      else if (c === CR) innerCr = true;
    }
    let nameEnd: number;
    let valueStart: number;
    if (colon === -1) {
      nameEnd = contentEnd;
      valueStart = contentEnd;
    } else {
      nameEnd = colon;
      while (nameEnd > pos && isLwsp(raw[nameEnd - 1])) nameEnd--;
      valueStart = colon + 1;
      while (valueStart < contentEnd && isLwsp(raw[valueStart])) valueStart++;
      if (valueStart === contentEnd) valueStart = colon + 1 < contentEnd ? colon + 2 : colon + 1;
    }
    let valueEnd = contentEnd;
    let folded = false;
    pos = lineEnd < len ? lineEnd + 1 : len;

    // Continuation lines.
    while (pos < len && isLwsp(raw[pos])) {
      let nextEnd = raw.indexOf(LF, pos);
      let nextContentEnd: number;
      if (nextEnd === -1) {
        nextEnd = len;
        nextContentEnd = len;
        prevNewline = 0;
      } else {
        nextContentEnd = raw[nextEnd - 1] === CR ? nextEnd - 1 : nextEnd;
        prevNewline = nextEnd - nextContentEnd + 1;
      }
      if (!hasNuls && raw.subarray(pos, nextEnd).indexOf(NUL) !== -1) hasNuls = true;
      folded = true;
      valueEnd = nextContentEnd;
      pos = nextEnd < len ? nextEnd + 1 : len;
    }

    const rawValue = raw.subarray(valueStart, Math.max(valueStart, valueEnd));
    fields.push({
      name: raw.toString('latin1', fieldStart, nameEnd),
      start: fieldStart,
      end: pos,
      rawValue,
      value: folded || innerCr ? withoutCrLf(rawValue) : rawValue,
      hasColon: colon !== -1,
    });
  }
}

/** Shortens a field whose line end was given to the boundary that follows it. */
function trimField(raw: Buffer, field: HeaderField, end: number): void {
  field.end = end;
  const valueStart = field.rawValue.byteOffset - raw.byteOffset;
  const valueEnd = Math.max(valueStart, Math.min(valueStart + field.rawValue.length, end));
  field.rawValue = raw.subarray(valueStart, valueEnd);
  field.value = withoutCrLf(field.rawValue);
}
