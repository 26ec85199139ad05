// The JSON side of validation: ranges of keys and values in the text, offsets inside JSON strings (escapes
// included), the object walk that reports duplicate keys, and text edits for quick fixes that keep the
// document's own line endings and indentation.
import { findNodeAtLocation, type JSONPath, type Node } from 'jsonc-parser';
import { RULES, type Fix, type Problem, type RuleCode, type TextEdit } from './rules';

export interface Range { offset: number; length: number }

/** One property of an object node: the key as decoded, its key node and its value node (absent in broken JSON). */
export interface Prop {
  readonly key: string;
  readonly keyNode: Node;
  readonly value?: Node;
  readonly node: Node;
}

/** Collects problems for one document. */
export class Reporter {
  readonly problems: Problem[] = [];
  private eolCache?: string;

  constructor(readonly text: string, readonly hasSyntaxErrors: boolean) {}

  /**
   * Records a problem; its range is kept inside the text (jsonc-parser's node of an array left open by a comment at
   * the end runs past it), and a fix with an edit past the text is dropped, as that text is not what it was made for.
   */
  report(code: RuleCode, range: Range, message: string, fixes?: Fix[]): void {
    const offset = Math.min(Math.max(range.offset, 0), this.text.length);
    fixes = fixes?.filter((f) => f.edits.every((e) => e.offset >= 0 && e.length >= 0 && e.offset + e.length <= this.text.length));
    this.problems.push({
      offset,
      length: Math.min(Math.max(range.length, 0), this.text.length - offset),
      code,
      severity: RULES[code].defaultSeverity,
      message,
      ...(fixes && fixes.length > 0 ? { fixes } : {}),
    });
  }

  get eol(): string {
    this.eolCache ??= this.text.includes('\r\n') ? '\r\n' : '\n';
    return this.eolCache;
  }

  /** The whitespace that starts the line holding `offset`, when only whitespace precedes it on that line. */
  indentAt(offset: number): string | undefined {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    const before = this.text.slice(lineStart, offset);
    return /^[ \t]*$/.test(before) ? before : undefined;
  }
}

/** The key of a property, underlined with its quotes. */
export function keyRange(p: Prop): Range {
  return { offset: p.keyNode.offset, length: p.keyNode.length };
}

/** A value's range: a non-empty string's content without its quotes, anything else as a whole. */
export function valueRange(node: Node): Range {
  if (node.type === 'string' && node.length > 2) return { offset: node.offset + 1, length: node.length - 2 };
  return { offset: node.offset, length: node.length };
}

export function nodeRange(node: Node): Range {
  return { offset: node.offset, length: node.length };
}

/** The first character of a node (an object's `{`): where to report what is missing from it. */
export function startRange(node: Node): Range {
  return { offset: node.offset, length: 1 };
}

const SIMPLE_ESCAPE_LENGTH = 2;
const UNICODE_ESCAPE_LENGTH = 6;

/**
 * Maps a range inside a string node's decoded value (e.g. a parser error offset in a PATCH path) to the
 * document: skips the opening quote and counts each escape (`\"`, `\\`, `\u0041`) with its source length.
 */
export function rangeInString(text: string, node: Node, start: number, length: number): Range {
  const first = node.offset + 1;
  const last = node.offset + node.length - 1;
  let raw = first;
  let decoded = 0;
  let rawStart = -1;
  const end = start + Math.max(length, 0);
  while (raw < last) {
    if (decoded === start && rawStart < 0) rawStart = raw;
    if (decoded === end) break;
    raw += text.charCodeAt(raw) === 0x5c ? (text[raw + 1] === 'u' ? UNICODE_ESCAPE_LENGTH : SIMPLE_ESCAPE_LENGTH) : 1;
    decoded++;
  }
  raw = Math.min(raw, last);
  if (rawStart < 0) rawStart = raw;
  return { offset: rawStart, length: Math.max(raw - rawStart, 0) };
}

/** The node at `path`, or the deepest existing ancestor's opening character when the value is missing. */
export function rangeAtPath(root: Node, path: JSONPath): Range {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    if (node) return n === path.length ? valueRange(node) : startRange(node);
  }
  return startRange(root);
}

/** Case-insensitive equality of attribute names without allocating (ASCII fast path). */
export function sameKey(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x > 127 || y > 127) return a.toLowerCase() === b.toLowerCase();
    const lx = x >= 65 && x <= 90 ? x + 32 : x;
    const ly = y >= 65 && y <= 90 ? y + 32 : y;
    if (lx !== ly) return false;
  }
  return true;
}

/** Objects larger than this find duplicate keys through a Map instead of comparing pairs. */
const SMALL_OBJECT = 24;

/**
 * The properties of an object node, reporting keys that appear twice (exactly, or in another letter case:
 * SCIM attribute names are case-insensitive). The first occurrence is the one returned.
 */
export function entries(r: Reporter, obj: Node): Prop[] {
  const out: Prop[] = [];
  const children = obj.children ?? [];
  const seen = children.length > SMALL_OBJECT ? new Map<string, string>() : undefined;
  for (const node of children) {
    const keyNode = node.children?.[0];
    if (!keyNode || typeof keyNode.value !== 'string') continue;
    const key = keyNode.value;
    let prior: string | undefined;
    if (seen) {
      const lower = key.toLowerCase();
      prior = seen.get(lower);
      if (prior === undefined) seen.set(lower, key);
    } else {
      for (let i = 0; i < out.length && prior === undefined; i++) if (sameKey(out[i].key, key)) prior = out[i].key;
    }
    const prop: Prop = { key, keyNode, value: node.children?.[1], node };
    if (prior !== undefined) {
      r.report('SCIM002', keyRange(prop), prior === key
        ? `"${key}" appears twice in this object. Which value a server keeps depends on its JSON parser (most keep the last); remove one.`
        : `"${key}" repeats "${prior}": attribute names are case-insensitive.`);
      if (prop.value) skip(r, prop.value);
      continue;
    }
    out.push(prop);
  }
  return out;
}

/** The properties of an object node, without reporting anything (for hover and completion). */
export function plainEntries(obj: Node): Prop[] {
  const out: Prop[] = [];
  for (const node of obj.children ?? []) {
    const keyNode = node.children?.[0];
    if (keyNode && typeof keyNode.value === 'string') out.push({ key: keyNode.value, keyNode, value: node.children?.[1], node });
  }
  return out;
}

/** The property named `name` (case-insensitively) among `props`. */
export function prop(props: readonly Prop[], name: string): Prop | undefined {
  for (const p of props) if (sameKey(p.key, name)) return p;
  return undefined;
}

/**
 * A subtree the validator does not interpret (the value of an unknown attribute): only its duplicate keys
 * are reported, exact ones only, without recursion so deep documents cannot overflow the stack.
 */
export function skip(r: Reporter, node: Node): void {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.type === 'object') {
      const seen = new Set<string>();
      for (const p of n.children ?? []) {
        const k = p.children?.[0];
        if (!k || typeof k.value !== 'string') continue;
        if (seen.has(k.value)) {
          r.report('SCIM002', nodeRange(k), `"${k.value}" appears twice in this object. Which value a server keeps depends on its JSON parser (most keep the last); remove one.`);
        }
        seen.add(k.value);
        if (p.children?.[1]) stack.push(p.children[1]);
      }
    } else if (n.type === 'array') {
      for (const c of n.children ?? []) stack.push(c);
    }
  }
}

/** Edits that delete a property with its separating comma, leaving the neighbours' layout intact. */
export function removePropertyEdits(p: Prop): TextEdit[] {
  const siblings = p.node.parent?.children ?? [p.node];
  const i = siblings.indexOf(p.node);
  const next = siblings[i + 1];
  const prev = siblings[i - 1];
  if (next) return [{ offset: p.node.offset, length: next.offset - p.node.offset, newText: '' }];
  if (prev) {
    const from = prev.offset + prev.length;
    return [{ offset: from, length: p.node.offset + p.node.length - from, newText: '' }];
  }
  return [{ offset: p.node.offset, length: p.node.length, newText: '' }];
}

/** An edit that replaces a whole node (a string with its quotes) by `newText`. */
export function replaceEdit(node: Node, newText: string): TextEdit {
  return { offset: node.offset, length: node.length, newText };
}

/**
 * An edit inserting `"key": json` into an object: first when `first`, else after its last property, using
 * the layout of the existing properties (one per line, or all on one line).
 */
export function insertPropertyEdit(r: Reporter, obj: Node, key: string, json: string, first = false): TextEdit {
  const props = obj.children ?? [];
  const entry = `${JSON.stringify(key)}: ${json}`;
  if (props.length === 0) {
    return { offset: obj.offset + 1, length: Math.max(obj.length - 2, 0), newText: ` ${entry} ` };
  }
  const anchor = first ? props[0] : props[props.length - 1];
  const indent = r.indentAt(anchor.offset);
  const separator = indent !== undefined ? r.eol + indent : ' ';
  if (first) return { offset: anchor.offset, length: 0, newText: `${entry},${separator}` };
  return { offset: anchor.offset + anchor.length, length: 0, newText: `,${separator}${entry}` };
}

/**
 * `value` as JSON text to insert among the children of `container` (an object's properties or an array's
 * elements): one per line there, it is spread over lines with the document's indentation (the step from the
 * container's line to its children's), continuing at the children's indent; on one line, it stays on one line.
 */
export function layoutJson(r: Reporter, container: Node, value: unknown): string {
  const first = container.children?.[0];
  const inner = first ? r.indentAt(first.offset) : undefined;
  if (inner === undefined) {
    return JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ').replace(/([[{]) (?=[\]}])/g, '$1');
  }
  const lineStart = r.text.lastIndexOf('\n', container.offset - 1) + 1;
  const outer = /^[ \t]*/.exec(r.text.slice(lineStart, container.offset))?.[0] ?? '';
  const step = inner.startsWith(outer) && inner.length > outer.length ? inner.slice(outer.length) : '  ';
  return JSON.stringify(value, null, step).split('\n').join(r.eol + inner);
}

/** An edit inserting a JSON value into an array, first or last, in the layout of its elements. */
export function insertElementEdit(r: Reporter, arr: Node, json: string, first: boolean): TextEdit {
  const items = arr.children ?? [];
  if (items.length === 0) return { offset: arr.offset + 1, length: Math.max(arr.length - 2, 0), newText: json };
  const anchor = first ? items[0] : items[items.length - 1];
  const indent = r.indentAt(anchor.offset);
  const separator = indent !== undefined ? r.eol + indent : ' ';
  if (first) return { offset: anchor.offset, length: 0, newText: `${json},${separator}` };
  return { offset: anchor.offset + anchor.length, length: 0, newText: `,${separator}${json}` };
}

/** A JSON type name for messages. */
export function jsonType(node: Node): string {
  switch (node.type) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    case 'null': return 'null';
    default: return node.type;
  }
}
