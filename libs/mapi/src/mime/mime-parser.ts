import { addSize, LF, type MessageSize, measureRange, zeroSize } from './bytes.js';
import { parseHeaderBlock } from './header-parser.js';
import { MAX_MIME_DEPTH, MAX_MIME_PARTS } from './limits.js';
import {
  applyContentData,
  type ContentTypeValue,
  emptyContentData,
  readContentData,
  readContentType,
} from './part-data.js';
import type { MimeNode } from './types.js';

interface Boundary {
  value: Buffer;
  node: MimeNode;
}

interface BoundaryMatch {
  boundary: Boundary;
  /** The line is a close delimiter ("--boundary--"). */
  close: boolean;
}

type Step = { kind: 'header'; node: MimeNode; pos: number } | { kind: 'body'; pos: number } | { kind: 'done' };

function newNode(depth: number, start: number, isMime: boolean): MimeNode {
  return {
    partNumber: '',
    depth,
    headerStart: start,
    headerEnd: start,
    bodyStart: start,
    bodyEnd: start,
    headerSize: zeroSize(),
    bodySize: zeroSize(),
    size: 0,
    lines: null,
    fields: [],
    headerCutByBoundary: false,
    isMime,
    isMultipart: false,
    isMessage: false,
    isText: false,
    hasNuls: false,
    ...emptyContentData(),
    mediaType: 'text/plain',
    params: [],
    dispositionParams: [],
    charset: null,
    transferEncoding: '7bit',
    children: [],
    message: null,
  };
}

const DASH = 0x2d;

/**
 * Builds the tree in one pass over the buffer, following Dovecot 2.3's message-parser state machine (boundary
 * lines matched by prefix, longest match among all open multiparts, the line end before a boundary belonging to
 * the boundary, unclosed multiparts ended by an outer boundary or the end of input).
 */
class TreeBuilder {
  private readonly len: number;
  /** Open multiparts, innermost last. */
  private readonly boundaries: Boundary[] = [];
  /** Path from the message to the node being read. */
  private readonly stack: MimeNode[] = [];
  /** Parents of nodes, to find the multipart/digest default. */
  private readonly parents = new Map<MimeNode, MimeNode>();
  /** End offsets fixed early (a header cut by a boundary gives its line end to the enclosing part). */
  private readonly fixedEnd = new Map<MimeNode, number>();
  /** multipart/digest nodes: their parts default to message/rfc822. */
  private readonly digests = new Set<MimeNode>();
  private totalParts = 0;

  constructor(private readonly raw: Buffer) {
    this.len = raw.length;
  }

  build(): MimeNode {
    const root = newNode(0, 0, false);
    this.stack.push(root);
    let step: Step = { kind: 'header', node: root, pos: 0 };
    while (step.kind !== 'done') {
      step = step.kind === 'header' ? this.readHeader(step.node, step.pos) : this.readBody(step.pos);
    }
    return root;
  }

  private get current(): MimeNode {
    return this.stack[this.stack.length - 1] as MimeNode;
  }

  private matchBoundaryLine(lineStart: number): BoundaryMatch | null {
    const raw = this.raw;
    if (this.boundaries.length === 0 || this.totalParts >= MAX_MIME_PARTS) return null;
    if (raw[lineStart] !== DASH || raw[lineStart + 1] !== DASH) return null;
    const from = lineStart + 2;
    let best: Boundary | null = null;
    for (let i = this.boundaries.length - 1; i >= 0; i--) {
      const b = this.boundaries[i] as Boundary;
      const blen = b.value.length;
      if (from + blen > this.len) continue;
      if (best !== null && best.value.length >= blen) continue;
      if (raw.compare(b.value, 0, blen, from, from + blen) === 0) best = b;
    }
    if (best === null) return null;
    const after = from + best.value.length;
    return { boundary: best, close: raw[after] === DASH && raw[after + 1] === DASH };
  }

  private readHeader(node: MimeNode, pos: number): Step {
    const block = parseHeaderBlock(this.raw, pos, (lineStart) => {
      const m = this.matchBoundaryLine(lineStart);
      return m !== null && m.boundary.node !== node;
    });
    node.fields = block.fields;
    node.hasNuls = block.hasNuls;
    node.headerEnd = block.fieldsEnd;

    // Flags, from the first Content-Type (Dovecot's message parser).
    let sawContentType = false;
    let firstContentType: ContentTypeValue | undefined;
    let boundary: Buffer | null = null;
    let multipart = false;
    let digest = false;
    let message = false;
    for (const f of block.fields) {
      const name = f.name.toLowerCase();
      if (name === 'mime-version') {
        node.isMime = true;
      } else if (name === 'content-type') {
        node.isMime = true;
        if (sawContentType) continue;
        sawContentType = true;
        const ct = readContentType(f.rawValue);
        firstContentType = ct;
        const t = ct.typeAndSubtype.toLowerCase();
        if (t === 'message/rfc822') {
          message = true;
        } else if (t.startsWith('multipart/')) {
          multipart = true;
          digest = t === 'multipart/digest';
          if (ct.valid) {
            const p = ct.params.find((x) => x.name.toString('latin1').toLowerCase() === 'boundary');
            if (p) boundary = p.value;
          }
        }
      }
    }
    if (!node.isMime) {
      multipart = false;
      digest = false;
      message = false;
      boundary = null;
    }
    if (!sawContentType || !node.isMime) {
      const parent = this.parents.get(node);
      if (parent !== undefined && this.digests.has(parent)) message = true;
    }
    const canNest = node.depth + 1 < MAX_MIME_DEPTH;
    let openedMultipart = false;
    if (multipart && boundary !== null && block.terminated) {
      if (canNest) {
        this.boundaries.push({ value: boundary, node });
        openedMultipart = true;
      } else {
        multipart = false;
      }
    }
    if (message && !(canNest && this.totalParts < MAX_MIME_PARTS)) message = false;
    node.isMultipart = multipart;
    node.isMessage = message;
    if (multipart && digest) this.digests.add(node);
    applyContentData(node, node.isMime ? readContentData(block.fields, firstContentType) : emptyContentData());

    // A boundary line right after the empty line also ends the header, and takes the empty line as the line end
    // that belongs to it (Dovecot checks for boundaries before every header line, the one after the end too).
    let cutAt = block.boundaryLine;
    let end = block.end;
    if (cutAt === -1 && block.terminated) {
      const m = this.matchBoundaryLine(block.end);
      if (m !== null && m.boundary.node !== node) {
        cutAt = block.end;
        end = block.fieldsEnd;
      }
    }
    node.bodyStart = end;
    node.headerCutByBoundary = cutAt !== -1;
    if (cutAt !== -1) return this.cutHeader(node, end, cutAt);
    if (openedMultipart) return { kind: 'body', pos: end };
    if (message) {
      const child = this.appendChild(node, end, false);
      node.message = child;
      return { kind: 'header', node: child, pos: end };
    }
    return { kind: 'body', pos: end };
  }

  /** The header of `node` ended at a boundary line: the part (and an encapsulated message) end empty. */
  private cutHeader(node: MimeNode, end: number, lineStart: number): Step {
    this.fixedEnd.set(node, end);
    if (node.isMessage) {
      const child = this.appendChild(node, end, false);
      node.message = child;
      child.headerCutByBoundary = true;
      applyContentData(child, emptyContentData());
      this.fixedEnd.set(child, end);
    }
    const m = this.matchBoundaryLine(lineStart);
    if (m === null) return this.finishAtEnd();
    return this.finishPart(m, lineStart, lineStart);
  }

  private appendChild(parent: MimeNode, start: number, isMime: boolean): MimeNode {
    const child = newNode(parent.depth + 1, start, isMime);
    this.totalParts++;
    this.parents.set(child, parent);
    if (!parent.isMessage) parent.children.push(child);
    this.stack.push(child);
    return child;
  }

  private readBody(pos: number): Step {
    const raw = this.raw;
    if (this.boundaries.length === 0) return this.finishAtEnd();
    const first = this.matchBoundaryLine(pos);
    if (first !== null) return this.finishPart(first, pos, pos);
    let lf = raw.indexOf(LF, pos);
    while (lf !== -1) {
      const next = lf + 1;
      if (raw[next] === DASH) {
        const m = this.matchBoundaryLine(next);
        if (m !== null) {
          const lineEndStart = lf > pos && raw[lf - 1] === 0x0d ? lf - 1 : lf;
          return this.finishPart(m, next, lineEndStart);
        }
      }
      lf = raw.indexOf(LF, next);
    }
    return this.finishAtEnd();
  }

  /** A boundary line at `lineStart` ends every part inside the boundary's multipart at `end`. */
  private finishPart(match: BoundaryMatch, lineStart: number, end: number): Step {
    const owner = match.boundary.node;
    while (this.current !== owner) {
      const done = this.stack.pop() as MimeNode;
      done.bodyEnd = this.fixedEnd.get(done) ?? end;
    }
    const index = this.boundaries.indexOf(match.boundary);
    this.boundaries.length = match.close ? index : index + 1;

    const lineRest = lineStart + 2 + match.boundary.value.length + (match.close ? 2 : 0);
    const lf = this.raw.indexOf(LF, Math.min(lineRest, this.len));
    const pos = lf === -1 ? this.len : lf + 1;
    const innermost = this.boundaries[this.boundaries.length - 1];
    if (innermost === undefined || innermost.node !== owner) {
      // epilogue of the owner
      return { kind: 'body', pos };
    }
    const child = this.appendChild(owner, pos, true);
    return { kind: 'header', node: child, pos };
  }

  private finishAtEnd(): Step {
    while (this.stack.length > 0) {
      const done = this.stack.pop() as MimeNode;
      done.bodyEnd = this.fixedEnd.get(done) ?? this.len;
    }
    return { kind: 'done' };
  }
}

function joinNumber(prefix: string, n: number): string {
  return prefix === '' ? String(n) : `${prefix}.${n}`;
}

/** Part numbers, sizes and IMAP line counts, computed once the offsets are known. */
function finishTree(raw: Buffer, node: MimeNode, partNumber: string, rootLike: boolean): MessageSize {
  node.partNumber = partNumber;
  node.headerSize = measureRange(raw, node.headerStart, node.bodyStart);
  const inner: MimeNode[] = node.message ? [node.message] : node.children;
  if (inner.length === 0) {
    node.bodySize = measureRange(raw, node.bodyStart, Math.max(node.bodyStart, node.bodyEnd));
  } else {
    const body = zeroSize();
    let at = node.bodyStart;
    inner.forEach((child, i) => {
      const number = node.message ? (rootLike ? joinNumber(partNumber, 1) : partNumber) : joinNumber(partNumber, i + 1);
      addSize(body, measureRange(raw, at, Math.max(at, child.headerStart)));
      addSize(body, finishTree(raw, child, number, node.message !== null));
      at = Math.max(at, child.bodyEnd);
    });
    addSize(body, measureRange(raw, at, Math.max(at, node.bodyEnd)));
    node.bodySize = body;
  }
  node.size = node.bodySize.virtual;
  node.isText =
    !node.isMessage &&
    !node.isMultipart &&
    (node.contentType === null || node.contentType.toString('latin1').toLowerCase() === 'text');
  node.lines = node.isText || node.isMessage ? node.bodySize.lines : null;
  const total = zeroSize();
  addSize(total, node.headerSize);
  addSize(total, node.bodySize);
  return total;
}

/**
 * Parses a message into its MIME tree without copying or re-encoding it: every node records byte offsets into
 * `raw`. Never throws; malformed structure is handled the way Dovecot 2.3 handles it (the reference of the IMAP
 * answers), and nesting and part counts are capped by the limits in `limits.ts`. Linear in the input size.
 */
export function parseMimeTree(raw: Buffer): MimeNode {
  const root = new TreeBuilder(raw).build();
  finishTree(raw, root, '', true);
  return root;
}

/**
 * The node an IMAP part number ("1", "2.1", ...) designates, resolved like Dovecot: "1" of a non-multipart
 * message is the message itself (its body), a number inside a message/rfc822 part continues in the encapsulated
 * message, and a non-existent number gives null. `""` gives the message.
 */
export function findPart(root: MimeNode, partNumber: string): MimeNode | null {
  if (partNumber === '') return root;
  if (!/^[1-9][0-9]*(\.[1-9][0-9]*)*$/.test(partNumber)) return null;
  const path = partNumber.split('.').map((n) => Number.parseInt(n, 10));
  let part: MimeNode | null = root;
  for (let i = 0; i < path.length && part !== null; i++) {
    const num = path[i] as number;
    const more = i < path.length - 1;
    if (part.isMultipart) {
      part = part.children[num - 1] ?? null;
    } else if (num !== 1 || (more && !part.isMessage)) {
      part = null;
    }
    if (part?.isMessage && more) part = part.message;
  }
  return part;
}
