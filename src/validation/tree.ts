// The JSON tree the validator walks. jsonc-parser's parseTree is the reference (error recovery, error codes),
// but on a 1 MB ListResponse it alone takes most of the time budget, so well-formed documents — the common
// case — are read by this single-pass scanner instead, which builds the very same nodes (type, offset, length,
// value, children, parent, colonOffset; a unit test compares both on generated documents). Anything it does
// not accept exactly as JSON with comments returns undefined, and the caller falls back to jsonc-parser.
import { getNodeValue, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { decodeJsonEscape } from '../scim/text';

interface MutableNode {
  type: Node['type'];
  offset: number;
  length: number;
  parent?: MutableNode;
  children?: MutableNode[] | undefined;
  value?: unknown;
  colonOffset?: number;
}

/** Every node gets the same fields in the same order, so the walk sees one hidden class (monomorphic access). */
function node(type: Node['type'], offset: number, length: number, parent: MutableNode | undefined, children: MutableNode[] | undefined, value: unknown, colonOffset: number | undefined): MutableNode {
  return { type, offset, length, parent, children, value, colonOffset };
}

const enum C {
  Tab = 9, LineFeed = 10, CarriageReturn = 13, Space = 32, Quote = 34, Plus = 43, Comma = 44, Minus = 45, Dot = 46,
  Slash = 47, Zero = 48, Nine = 57, Colon = 58, UpperE = 69, OpenBracket = 91, Backslash = 92, CloseBracket = 93,
  LowerE = 101, OpenBrace = 123, CloseBrace = 125, Star = 42,
}

/** A well-formed JSON document (comments allowed) as jsonc-parser's tree, or undefined at the first deviation. */
export function fastParseTree(text: string): Node | undefined {
  const n = text.length;
  let pos = 0;

  /** Skips whitespace and comments; false on an unterminated block comment. */
  function skip(): boolean {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === C.Space || c === C.LineFeed || c === C.CarriageReturn || c === C.Tab) {
        pos++;
      } else if (c === C.Slash) {
        const d = text.charCodeAt(pos + 1);
        if (d === C.Slash) {
          pos += 2;
          while (pos < n) {
            const e = text.charCodeAt(pos);
            if (e === C.LineFeed || e === C.CarriageReturn) break;
            pos++;
          }
        } else if (d === C.Star) {
          const end = text.indexOf('*/', pos + 2);
          if (end < 0) return false;
          pos = end + 2;
        } else {
          return true;
        }
      } else {
        return true;
      }
    }
    return true;
  }

  /** A string at pos (an opening quote); its decoded value, or undefined when malformed. */
  function readString(): string | undefined {
    const start = pos + 1;
    let i = start;
    let decoded: string | undefined;
    let chunk = start;
    for (;;) {
      if (i >= n) return undefined;
      const c = text.charCodeAt(i);
      if (c === C.Quote) break;
      if (c < 0x20) return undefined;
      if (c === C.Backslash) {
        decoded = (decoded ?? '') + text.slice(chunk, i);
        const escape = decodeJsonEscape(text, i);
        if (!escape) return undefined;
        decoded += escape.value;
        i += escape.length;
        chunk = i;
        continue;
      }
      i++;
    }
    const value = decoded === undefined ? text.slice(start, i) : decoded + text.slice(chunk, i);
    pos = i + 1;
    return value;
  }

  /** A number at pos in JSON's grammar; its end, or -1. */
  function numberEnd(): number {
    let i = pos;
    if (text.charCodeAt(i) === C.Minus) i++;
    const first = text.charCodeAt(i);
    if (first === C.Zero) {
      i++;
    } else if (first > C.Zero && first <= C.Nine) {
      while (isDigit(text.charCodeAt(i))) i++;
    } else {
      return -1;
    }
    if (text.charCodeAt(i) === C.Dot) {
      i++;
      if (!isDigit(text.charCodeAt(i))) return -1;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === C.LowerE || e === C.UpperE) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === C.Plus || sign === C.Minus) i++;
      if (!isDigit(text.charCodeAt(i))) return -1;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const after = text.charCodeAt(i);
    // jsonc-parser's scanner reads "1a" or "01" as two tokens: leave such text to it.
    if ((after >= 48 && after <= 57) || (after >= 65 && after <= 90) || (after >= 97 && after <= 122) || after === 95 || after === 36) return -1;
    return i;
  }

  /** A scalar value at pos, or undefined. */
  function scalar(parent: MutableNode): MutableNode | undefined {
    const c = text.charCodeAt(pos);
    const offset = pos;
    if (c === C.Quote) {
      const value = readString();
      return value === undefined ? undefined : node('string', offset, pos - offset, parent, undefined, value, undefined);
    }
    if (c === C.Minus || isDigit(c)) {
      const end = numberEnd();
      if (end < 0) return undefined;
      pos = end;
      return node('number', offset, end - offset, parent, undefined, Number(text.slice(offset, end)), undefined);
    }
    const word = c === 116 ? 'true' : c === 102 ? 'false' : c === 110 ? 'null' : undefined;
    if (word && text.startsWith(word, pos) && !isWordChar(text.charCodeAt(pos + word.length))) {
      pos += word.length;
      return word === 'null' ? node('null', offset, 4, parent, undefined, null, undefined) : node('boolean', offset, word.length, parent, undefined, word === 'true', undefined);
    }
    return undefined;
  }

  // Children of the open objects and arrays wait on one stack and are copied into exact-size arrays when
  // their container closes (fewer, smaller arrays: the tree of a 1 MB file is mostly what the GC sees).
  const pending: MutableNode[] = [];
  const starts: number[] = [];
  const root: MutableNode = node('array', -1, -1, undefined, [], undefined, undefined);
  let container: MutableNode = root;

  /** Adds a value to the open container: a property's value slot, or the children of an array or the root. */
  function add(v: MutableNode): void {
    if (container.type === 'property') (container.children as MutableNode[])[1] = v;
    else if (container === root) (root.children as MutableNode[]).push(v);
    else pending.push(v);
  }

  /** At a key inside `container` (an object): adds the property and makes it the container of its value. */
  function beginProperty(): boolean {
    if (text.charCodeAt(pos) !== C.Quote) return false;
    const offset = pos;
    const key = readString();
    if (key === undefined) return false;
    const keyLength = pos - offset;
    if (!skip() || text.charCodeAt(pos) !== C.Colon) return false;
    const property = node('property', offset, -1, container, undefined, undefined, pos);
    const keyNode = node('string', offset, keyLength, property, undefined, key, undefined);
    property.children = [keyNode, keyNode];
    pos++;
    if (!skip() || pos >= n) return false;
    pending.push(property);
    container = property;
    return true;
  }

  /** Closes the open object or array at pos (its closer). */
  function close(): void {
    pos++;
    container.length = pos - container.offset;
    const start = starts.pop() as number;
    container.children = pending.slice(start);
    pending.length = start;
  }

  if (!skip() || pos >= n) return undefined;
  for (;;) {
    // Read one value (pos at its first character) into `container` (an array, a property, or the root).
    const c = text.charCodeAt(pos);
    let value: MutableNode;
    if (c === C.OpenBrace || c === C.OpenBracket) {
      value = node(c === C.OpenBrace ? 'object' : 'array', pos, -1, container, undefined, undefined, undefined);
      add(value);
      pos++;
      if (!skip()) return undefined;
      container = value;
      starts.push(pending.length);
      if (text.charCodeAt(pos) === (c === C.OpenBrace ? C.CloseBrace : C.CloseBracket)) {
        close();
        container = value.parent as MutableNode;
      } else {
        if (c === C.OpenBrace && !beginProperty()) return undefined;
        continue;
      }
    } else {
      const v = scalar(container);
      if (!v) return undefined;
      add(v);
      value = v;
    }
    // The value is complete: close properties and containers while the next token says so.
    for (;;) {
      if (container.type === 'property') {
        container.length = value.offset + value.length - container.offset;
        value = container;
        container = container.parent as MutableNode;
      }
      if (container === root) {
        if (!skip() || pos < n) return undefined;
        const result = root.children?.[0] as MutableNode;
        result.parent = undefined;
        return result as Node;
      }
      if (!skip() || pos >= n) return undefined;
      const d = text.charCodeAt(pos);
      if (d === C.Comma) {
        pos++;
        if (!skip() || pos >= n) return undefined;
        const next = text.charCodeAt(pos);
        if (next === C.CloseBrace || next === C.CloseBracket) return undefined;
        if (container.type === 'object' && !beginProperty()) return undefined;
        break;
      }
      if (d !== (container.type === 'object' ? C.CloseBrace : C.CloseBracket)) return undefined;
      close();
      value = container;
      container = container.parent as MutableNode;
    }
  }
}

function isDigit(c: number): boolean {
  return c >= C.Zero && c <= C.Nine;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/**
 * The document's tree and syntax errors: the fast scanner for well-formed text, jsonc-parser (which recovers
 * from errors and names them) otherwise. A document nested too deeply for jsonc-parser's recursion gives no
 * tree and `tooDeep`.
 */
export function readTree(text: string, options: { allowTrailingComma: boolean }): { root?: Node; errors: ParseError[]; tooDeep?: boolean } {
  const fast = fastParseTree(text);
  if (fast) return { root: fast, errors: [] };
  const errors: ParseError[] = [];
  try {
    const root = parseTree(text, errors, { disallowComments: false, allowTrailingComma: options.allowTrailingComma, allowEmptyContent: false });
    return { ...(root ? { root } : {}), errors };
  } catch (e) {
    if (e instanceof RangeError) return { errors: [], tooDeep: true };
    throw e;
  }
}

/** The JSON value of a tree, or undefined when it nests beyond the stack (jsonc-parser's getNodeValue recurses). */
export function treeValue(root: Node): { value: unknown } | undefined {
  try {
    return { value: getNodeValue(root) };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return undefined;
  }
}
