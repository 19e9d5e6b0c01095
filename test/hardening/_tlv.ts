/**
 * A structural view of a netlink message for mutation: the fixed bytes
 * before the attributes, then a tree of attributes. An attribute counts as a
 * nest when its payload parses exactly as attributes (the kernel does not
 * always set NLA_F_NESTED, e.g. RTA_METRICS), which is only a guess — good
 * enough to aim mutations at length fields and nests. `serialize` recomputes
 * every length, so structural mutations (insert, delete, duplicate, nest
 * inside itself) produce consistent framing; byte mutations afterwards break
 * it on purpose.
 */
export interface TlvNode {
  type: number;
  payload: Uint8Array;
  children?: TlvNode[];
}

export interface TlvMessage {
  /** nlmsghdr + family header (+ anything before the first attribute). */
  head: Uint8Array;
  attrs: TlvNode[];
}

function parseList(b: Uint8Array, off: number, end: number, depth: number): TlvNode[] | undefined {
  const out: TlvNode[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  while (off < end) {
    if (end - off < 4) return undefined;
    const len = v.getUint16(off, true);
    if (len < 4 || off + len > end) return undefined;
    const payload = b.slice(off + 4, off + len);
    const node: TlvNode = { type: v.getUint16(off + 2, true), payload };
    if (depth < 12 && payload.length >= 4) {
      const kids = parseList(b, off + 4, off + len, depth + 1);
      if (kids) node.children = kids;
    }
    out.push(node);
    off += (len + 3) & ~3;
  }
  return out;
}

/** Splits `msg` at `attrStart` (16 + family header size). Undefined when the attributes do not parse. */
export function parseTlv(msg: Uint8Array, attrStart: number): TlvMessage | undefined {
  if (msg.length < attrStart) return undefined;
  const attrs = parseList(msg, attrStart, msg.length, 0);
  return attrs && { head: msg.slice(0, attrStart), attrs };
}

function size(nodes: TlvNode[]): number {
  let n = 0;
  for (const x of nodes) n += (4 + (x.children ? size(x.children) : x.payload.length) + 3) & ~3;
  return n;
}

function write(nodes: TlvNode[], out: Uint8Array, v: DataView, off: number): number {
  for (const x of nodes) {
    const start = off;
    off += 4;
    if (x.children) off = write(x.children, out, v, off);
    else {
      out.set(x.payload, off);
      off += x.payload.length;
    }
    // nla_len is 16 bits: an oversized nest wraps, which is itself a useful corruption.
    v.setUint16(start, (off - start) & 0xffff, true);
    v.setUint16(start + 2, x.type, true);
    off = (off + 3) & ~3;
  }
  return off;
}

/** Rebuilds the bytes with every length recomputed (nlmsg_len too, when `head` holds an nlmsghdr). */
export function serialize(m: TlvMessage): Uint8Array {
  const out = new Uint8Array(m.head.length + size(m.attrs));
  out.set(m.head);
  const v = new DataView(out.buffer);
  write(m.attrs, out, v, m.head.length);
  if (m.head.length >= 16) v.setUint32(0, out.length, true);
  return out;
}

export function cloneNode(n: TlvNode): TlvNode {
  const c: TlvNode = { type: n.type, payload: n.payload };
  if (n.children) c.children = n.children.map(cloneNode);
  return c;
}

/** Every attribute list of the tree (the top level and each nest's children), for picking a place to mutate. */
export function lists(m: TlvMessage): TlvNode[][] {
  const out: TlvNode[][] = [m.attrs];
  const walk = (nodes: TlvNode[]) => {
    for (const n of nodes) {
      if (n.children) {
        out.push(n.children);
        walk(n.children);
      }
    }
  };
  walk(m.attrs);
  return out;
}

/** Byte offsets of every nla_len field in `msg` as parsed (for length-field mutations). */
export function lengthFields(msg: Uint8Array, attrStart: number): number[] {
  const out: number[] = [];
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const walk = (off: number, end: number, depth: number) => {
    while (end - off >= 4) {
      const len = v.getUint16(off, true);
      if (len < 4 || off + len > end) return;
      out.push(off);
      if (depth < 12 && len >= 8 && parseList(msg, off + 4, off + len, depth + 1)) walk(off + 4, off + len, depth + 1);
      off += (len + 3) & ~3;
    }
  };
  walk(attrStart, msg.length, 0);
  return out;
}

/** Nesting depth of the tree, computed without recursion (trees may be thousands of levels deep). */
export function maxDepth(nodes: TlvNode[]): number {
  let max = 0;
  const stack: [TlvNode[], number][] = [[nodes, 1]];
  while (stack.length) {
    const [list, d] = stack.pop() as [TlvNode[], number];
    for (const n of list) {
      if (d > max) max = d;
      if (n.children) stack.push([n.children, d + 1]);
    }
  }
  return max;
}

/**
 * The deepest tree the mutators build. The tools here recurse, and 2,500
 * levels (10 KiB of nest headers) is already ~80 times what the decoders
 * accept (MAX_NEST_DEPTH), so deeper adds nothing.
 */
export const MAX_TREE_DEPTH = 2500;
