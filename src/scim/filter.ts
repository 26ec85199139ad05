// SCIM filters (RFC 7644 §3.4.2.2): a hand-written parser that keeps the offset of every node so an editor
// can underline the exact problem, a schema-aware compiler to predicates (caseExact, dateTime instants,
// multi-valued "any value" semantics), a canonical formatter and the equality look-ups a store can index.
// Written rather than taken from scim2-parse-filter because we need positions in errors and nodes, errors
// that say what was expected, schema-driven comparison, and no recursion on long and/or chains.
import { ScimError, type ScimType } from './errors';
import { resolveAttribute, type AttributeDef, type ResourceTypeName } from './schemas';
import { describeValue, getProp, isObject, isPresent, parseDateTime, type JsonObject } from './values';
import { decodeJsonEscape } from './text';

/** A resource as JSON (see resource.ts, which re-exports it). */
type Resource = Record<string, unknown>;

export interface AttrPath { urn?: string; name: string; subAttr?: string; offset: number; length: number }
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;
export type FilterNode =
  | { kind: 'compare'; attr: AttrPath; op: CompareOp; value: FilterValue; offset: number; length: number }
  | { kind: 'present'; attr: AttrPath; offset: number; length: number }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode; offset: number; length: number }
  | { kind: 'not'; filter: FilterNode; offset: number; length: number }
  | { kind: 'valuePath'; attr: AttrPath; filter: FilterNode; offset: number; length: number };

/** Longest filter accepted; longer ones are rejected with invalidFilter before any parsing. */
export const MAX_FILTER_LENGTH = 32_768;
/** Deepest nesting of "(", "not (" and "[" accepted (keeps every recursive walk far from the stack limit). */
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';
const NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/i;
const URN_PREFIX = /^urn:[A-Za-z0-9._-]+(?::[A-Za-z0-9._-]+)*$/i;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Characters of an attribute path: name chars, ".", ":" (URN prefix) and "$" ($ref). */
function isPathChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57)
    || code === 45 || code === 95 || code === 46 || code === 58 || code === 36;
}

function isDelimiter(c: string | undefined): boolean {
  return c === undefined || isSpace(c) || c === '(' || c === ')' || c === '[' || c === ']';
}

function quote(s: string): string {
  return s.length > 40 ? `"${s.slice(0, 37)}..."` : `"${s}"`;
}

interface Token { offset: number; length: number; text: string }

/**
 * The scanner and recursive-descent parser shared by parseFilter and parsePath (path.ts). Internal to
 * src/scim: other modules call parseFilter / parsePath.
 */
export class FilterParser {
  pos = 0;
  private depth = 0;
  private inBrackets = false;
  /** The closing brackets of the groups being parsed, innermost last. */
  private readonly closers: string[] = [];

  constructor(readonly text: string, private readonly scimType: ScimType) {}

  fail(detail: string, offset: number, length: number): never {
    const at = Math.min(Math.max(offset, 0), this.text.length);
    throw new ScimError(400, this.scimType, detail, at, Math.max(0, Math.min(length, this.text.length - at)));
  }

  skipSpace(): void {
    while (isSpace(this.text[this.pos])) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** The run of non-space characters at `at`, stopping before brackets and quotes (for keywords and errors). */
  wordAt(at: number): Token {
    let end = at;
    while (end < this.text.length) {
      const c = this.text[end];
      if (isSpace(c) || c === '(' || c === ')' || c === '[' || c === ']' || c === '"') break;
      end++;
    }
    if (end === at && at < this.text.length) end = at + 1;
    return { offset: at, length: end - at, text: this.text.slice(at, end) };
  }

  /** Where the run of attribute-path characters starting at `start` ends. */
  pathEnd(start: number): number {
    let end = start;
    while (end < this.text.length && isPathChar(this.text.charCodeAt(end))) end++;
    return end;
  }

  checkLength(what: string): void {
    if (this.text.length > MAX_FILTER_LENGTH) {
      this.fail(`The ${what} is ${this.text.length} characters long; the limit is ${MAX_FILTER_LENGTH}; shorten it (for example, split one query into several).`, MAX_FILTER_LENGTH, this.text.length - MAX_FILTER_LENGTH);
    }
  }

  /** filter = or-expression, the whole text. */
  parseWhole(): FilterNode {
    this.checkLength('filter');
    this.skipSpace();
    if (this.atEnd()) this.fail('The filter is empty: write an expression such as userName eq "alice@example.com".', 0, this.text.length);
    const node = this.parseOr();
    this.skipSpace();
    if (!this.atEnd()) {
      const c = this.text[this.pos];
      this.fail(c === ')' ? 'Unexpected ")": there is no "(" for it to close.' : 'Unexpected "]": there is no "[" for it to close.', this.pos, 1);
    }
    return node;
  }

  private enter(offset: number): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      this.fail(`The filter nests "(", "not (" and "[" more than ${MAX_FILTER_DEPTH} levels deep; simplify it.`, offset, 1);
    }
  }

  /** Or-chains are built in a loop (left-associative), so a long chain never deepens the call stack. */
  parseOr(after?: Token): FilterNode {
    let left = this.parseAnd(after);
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) return left;
      const c = this.text[this.pos];
      if (c === ')' || c === ']') return left;
      const w = this.wordAt(this.pos);
      if (w.text.toLowerCase() !== 'or') {
        const closer = this.closers[this.closers.length - 1];
        const end = closer ? `"${closer}"` : 'the end of the filter';
        this.fail(`Expected "and", "or" or ${end} after ${quote(this.slice(left))}, found ${quote(w.text)}.`, w.offset, w.length);
      }
      this.pos += w.length;
      const right = this.parseAnd(w);
      left = { kind: 'or', left, right, offset: left.offset, length: right.offset + right.length - left.offset };
    }
  }

  private parseAnd(after?: Token): FilterNode {
    let left = this.parseTerm(after);
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const w = this.wordAt(this.pos);
      if (w.text.toLowerCase() !== 'and') {
        this.pos = save;
        return left;
      }
      this.pos += w.length;
      const right = this.parseTerm(w);
      left = { kind: 'and', left, right, offset: left.offset, length: right.offset + right.length - left.offset };
    }
  }

  private slice(n: { offset: number; length: number }): string {
    return this.text.slice(n.offset, n.offset + n.length);
  }

  /** A parenthesised group, `not (…)`, a value path or an attribute expression. */
  private parseTerm(after?: Token): FilterNode {
    this.skipSpace();
    if (this.atEnd()) {
      if (after) this.fail(`Expected a filter expression after ${quote(after.text)}.`, after.offset, after.length);
      this.fail('Expected a filter expression such as userName eq "alice@example.com".', this.pos, 0);
    }
    const start = this.pos;
    const c = this.text[start];
    if (c === '(') {
      this.pos++;
      const inner = this.parseGroup(start, ')');
      return { ...inner, offset: start, length: this.pos - start };
    }
    if (c === ')' || c === ']') this.fail(`Expected a filter expression before "${c}".`, start, 1);
    if (c === '"') {
      const close = this.text.indexOf('"', start + 1);
      this.fail('A filter expression starts with an attribute name, not a string: write userName eq "value".', start, close < 0 ? this.text.length - start : close - start + 1);
    }
    const end = this.pathEnd(start);
    if (end === start) this.fail(`Unexpected ${quote(c)}: expected an attribute name such as userName.`, start, 1);
    const run = this.text.slice(start, end);
    if (run.toLowerCase() === 'not' && this.isNotOperator(end)) {
      this.pos = end;
      this.skipSpace();
      const open = this.pos;
      this.pos++;
      const inner = this.parseGroup(open, ')');
      return { kind: 'not', filter: inner, offset: start, length: this.pos - start };
    }
    const attr = this.attrPath(start, end);
    this.pos = end;
    if (this.text[end] !== '[') return this.parseOperator(attr);
    const node = this.parseValuePath(attr);
    if (this.text[this.pos] === '.') {
      const w = this.wordAt(this.pos);
      this.fail(`In a filter a value path cannot be followed by ${quote(w.text)}: put the condition inside the brackets, e.g. emails[type eq "work" and value eq "alice@example.com"].`,
        w.offset, w.length);
    }
    return node;
  }

  /** `not` is the operator when a "(" follows; `not pr`, `not eq …`, `not[…]` use an attribute named "not". */
  private isNotOperator(end: number): boolean {
    let p = end;
    while (isSpace(this.text[p])) p++;
    const next = this.text[p];
    if (next === '(') return true;
    if (p === end && next === '[') return false;
    if (p > end && p < this.text.length) {
      const w = this.wordAt(p).text.toLowerCase();
      if (w === 'pr' || COMPARE_OPS.has(w)) return false;
    }
    this.fail('"not" must be followed by a filter in parentheses, e.g. not (userName eq "alice@example.com").', end - 3, 3);
  }

  /** After an opening "(" or "[" at `open`: the inner filter and its closer. */
  private parseGroup(open: number, closer: ')' | ']'): FilterNode {
    this.enter(open);
    this.closers.push(closer);
    const inner = this.parseOr({ offset: open, length: 1, text: closer === ')' ? '(' : '[' });
    this.closers.pop();
    this.skipSpace();
    const opener = closer === ')' ? '(' : '[';
    if (this.atEnd()) this.fail(`This "${opener}" is never closed: add "${closer}".`, open, 1);
    if (this.text[this.pos] !== closer) {
      this.fail(`Expected "${closer}" to close the "${opener}" at position ${open + 1}, found "${this.text[this.pos]}".`, this.pos, 1);
    }
    this.pos++;
    this.depth--;
    return inner;
  }

  /** `attr[valFilter]`: the bracketed filter's attribute names are sub-attributes of `attr`. */
  parseValuePath(attr: AttrPath): Extract<FilterNode, { kind: 'valuePath' }> {
    const open = this.pos;
    if (this.inBrackets) this.fail('Value filters "[...]" cannot be nested.', open, 1);
    if (attr.subAttr !== undefined) {
      this.fail(`A value filter "[...]" follows a multi-valued attribute, not a sub-attribute: write ${attr.name}[...] instead of ${attr.name}.${attr.subAttr}[...].`,
        attr.offset, attr.length);
    }
    this.pos++;
    this.inBrackets = true;
    const inner = this.parseGroup(open, ']');
    this.inBrackets = false;
    return { kind: 'valuePath', attr, filter: inner, offset: attr.offset, length: this.pos - attr.offset };
  }

  private parseOperator(attr: AttrPath): FilterNode {
    const needsOp = `${quote(this.slice(attr))} needs an operator after it: ${OPERATOR_LIST}.`;
    if (this.atEnd()) this.fail(needsOp, attr.offset, attr.length);
    if (!isSpace(this.text[this.pos])) {
      const w = this.wordAt(this.pos);
      this.fail(`Expected a space and an operator after ${quote(this.slice(attr))}, found ${quote(w.text)}. SCIM filters write operators as words: userName eq "alice@example.com".`,
        w.offset, w.length);
    }
    this.skipSpace();
    if (this.atEnd()) this.fail(needsOp, attr.offset, attr.length);
    const op = this.wordAt(this.pos);
    const lower = op.text.toLowerCase();
    if (lower === 'pr') {
      this.pos += op.length;
      return { kind: 'present', attr, offset: attr.offset, length: this.pos - attr.offset };
    }
    if (!COMPARE_OPS.has(lower)) {
      const d = lower === 'and' || lower === 'or' || op.text === ')' || op.text === ']' ? needsOp : `Unknown operator ${quote(op.text)}: use ${OPERATOR_LIST}.`;
      this.fail(d, op.offset, op.length);
    }
    this.pos += op.length;
    const value = this.parseValue(op);
    return { kind: 'compare', attr, op: lower as CompareOp, value, offset: attr.offset, length: this.pos - attr.offset };
  }

  private parseValue(op: Token): FilterValue {
    this.skipSpace();
    const needsValue = `${quote(op.text)} needs a value after it: a "quoted string", a number, true, false or null.`;
    if (this.atEnd()) this.fail(needsValue, op.offset, op.length);
    const start = this.pos;
    const c = this.text[start];
    if (c === '"') return this.parseString();
    if (c === "'") {
      const close = this.text.indexOf("'", start + 1);
      const len = close < 0 ? this.wordAt(start).length : close - start + 1;
      this.fail('Strings in filters use double quotes: "value", not \'value\'.', start, len);
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = start;
      const m = NUMBER.exec(this.text);
      const end = m ? start + m[0].length : start;
      if (!m || !isDelimiter(this.text[end])) {
        const w = this.wordAt(start);
        this.fail(`${quote(w.text)} is not a number: write numbers like 42, -1.5 or 2e3, and put text in double quotes.`, start, w.length);
      }
      const n = Number(m[0]);
      if (!Number.isFinite(n)) this.fail(`The number ${quote(m[0])} is too large.`, start, m[0].length);
      this.pos = end;
      return n;
    }
    const w = this.wordAt(start);
    if (c === '(' || c === ')' || c === '[' || c === ']') this.fail(needsValue, start, 1);
    const lower = w.text.toLowerCase();
    if (lower === 'true' || lower === 'false' || lower === 'null') {
      this.pos += w.length;
      return lower === 'null' ? null : lower === 'true';
    }
    this.fail(`Expected a value after ${quote(op.text)}, found ${quote(w.text)}: put text in double quotes ("${w.text.replace(/["\\]/g, '')}"); numbers, true, false and null are written bare.`,
      start, w.length);
  }

  /** A JSON string literal starting at the current '"'. */
  private parseString(): string {
    const start = this.pos;
    const t = this.text;
    let out = '';
    let i = start + 1;
    for (;;) {
      let j = i;
      while (j < t.length && t[j] !== '"' && t[j] !== '\\') j++;
      out += t.slice(i, j);
      if (j >= t.length) this.fail('This string is never closed: add a closing ".', start, t.length - start);
      if (t[j] === '"') {
        this.pos = j + 1;
        return out;
      }
      const escape = decodeJsonEscape(t, j);
      if (!escape) {
        const e = t[j + 1];
        if (e === 'u') this.fail('"\\u" must be followed by four hex digits, e.g. \\u00e9.', j, Math.min(6, t.length - j));
        this.fail(`Invalid escape ${quote(t.slice(j, j + 2))} in a string: use \\" for a quote, \\\\ for a backslash or \\uXXXX.`, j, e === undefined ? 1 : 2);
      }
      out += escape.value;
      i = j + escape.length;
    }
  }

  /**
   * Splits and checks the attribute path text between `start` and `end`: [URN ":"] ATTRNAME ["." ATTRNAME].
   * Inside "[...]" only a bare sub-attribute name is allowed.
   */
  attrPath(start: number, end: number): AttrPath {
    const run = this.text.slice(start, end);
    let urn: string | undefined;
    let rest = run;
    let restStart = start;
    const colon = run.lastIndexOf(':');
    if (colon >= 0) {
      if (this.inBrackets) {
        this.fail(`Inside "[...]" name a sub-attribute (e.g. value or type) without a schema URN, not ${quote(run)}.`, start, run.length);
      }
      urn = run.slice(0, colon);
      if (!URN_PREFIX.test(urn)) {
        this.fail(`${quote(run)} is not an attribute name: a schema prefix must be a URN, e.g. urn:ietf:params:scim:schemas:core:2.0:User:userName.`, start, run.length);
      }
      rest = run.slice(colon + 1);
      restStart = start + colon + 1;
      if (rest === '') this.fail(`Expected an attribute name after the schema URN ${quote(urn)}.`, start, run.length);
    }
    const dot = rest.indexOf('.');
    const name = dot < 0 ? rest : rest.slice(0, dot);
    const sub = dot < 0 ? undefined : rest.slice(dot + 1);
    this.checkName(name, restStart);
    if (sub !== undefined) {
      if (this.inBrackets) {
        this.fail(`Inside "[...]" name a single sub-attribute (e.g. value or type), not ${quote(rest)}.`, restStart, rest.length);
      }
      if (sub.includes('.')) {
        this.fail(`${quote(rest)} goes deeper than one sub-attribute; SCIM attributes have at most one level, e.g. name.givenName.`, restStart, rest.length);
      }
      if (sub === '') this.fail(`Expected a sub-attribute name after "${name}.".`, restStart + dot, 1);
      this.checkName(sub, restStart + dot + 1);
    }
    return { ...(urn !== undefined ? { urn } : {}), name, ...(sub !== undefined ? { subAttr: sub } : {}), offset: start, length: run.length };
  }

  checkName(name: string, at: number): void {
    if (name === '') this.fail('Expected an attribute name.', at, 1);
    if (!NAME.test(name)) {
      this.fail(`${quote(name)} is not a valid attribute name: names start with a letter and contain only letters, digits, "-" and "_".`, at, name.length);
    }
  }
}

/** Full RFC 7644 §3.4.2.2 grammar; throws ScimError(400, 'invalidFilter', detail, offset, length) pointing at the problem. */
export function parseFilter(text: string): FilterNode {
  return new FilterParser(text, 'invalidFilter').parseWhole();
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

export function formatAttrPath(a: Pick<AttrPath, 'urn' | 'name' | 'subAttr'>): string {
  return `${a.urn !== undefined ? `${a.urn}:` : ''}${a.name}${a.subAttr !== undefined ? `.${a.subAttr}` : ''}`;
}

function formatValue(v: FilterValue): string {
  return typeof v === 'number' && Object.is(v, -0) ? '-0' : JSON.stringify(v);
}

/** The operands of a left-leaning chain of `kind` nodes, leftmost first, collected without recursion. */
function chain(node: FilterNode, kind: 'and' | 'or'): FilterNode[] {
  const rights: FilterNode[] = [];
  let n = node;
  while (n.kind === kind) {
    rights.push(n.right);
    n = n.left;
  }
  rights.push(n);
  return rights.reverse();
}

/** Canonical text of a filter; parseFilter(formatFilter(n)) is structurally equal to n (offsets aside). */
export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'compare': return `${formatAttrPath(node.attr)} ${node.op} ${formatValue(node.value)}`;
    case 'present': return `${formatAttrPath(node.attr)} pr`;
    case 'not': return `not (${formatFilter(node.filter)})`;
    case 'valuePath': return `${formatAttrPath(node.attr)}[${formatFilter(node.filter)}]`;
    case 'and':
    case 'or': {
      // The leftmost operand continues the chain; a right operand of the same kind, or an "or" under an
      // "and", needs parentheses to keep its place in the tree.
      return chain(node, node.kind).map((op, i) => {
        const text = formatFilter(op);
        const paren = op.kind === 'or' ? node.kind === 'and' || i > 0 : op.kind === 'and' && node.kind === 'and' && i > 0;
        return paren ? `(${text})` : text;
      }).join(` ${node.kind} `);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Compiling to predicates

type Pred = (obj: JsonObject) => boolean;

interface Target {
  /** Definition of the compared value (after `emails` → `emails.value`). */
  def: AttributeDef;
  /** Canonical path for messages. */
  path: string;
  /** The non-null values the expression tests, multi-valued attributes flattened. */
  values(obj: JsonObject): unknown[];
}

const NONE: unknown[] = [];

function pushValue(out: unknown[], v: unknown): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && x !== undefined) out.push(x);
  } else {
    out.push(v);
  }
}

/** The attribute a filter names, resolved against the schemas; undefined for unknown attributes. */
function resolveTarget(rt: ResourceTypeName, attr: AttrPath, parent: AttributeDef | undefined, forCompare: boolean): Target | undefined {
  if (parent) {
    if (attr.urn !== undefined || attr.subAttr !== undefined) return undefined;
    const def = parent.subAttributes?.find((s) => s.name.toLowerCase() === attr.name.toLowerCase());
    if (!def) return undefined;
    const name = def.name;
    return { def, path: `${parent.name}.${name}`, values: (el) => { const out: unknown[] = []; pushValue(out, getProp(el, name)); return out; } };
  }
  const resolved = resolveAttribute(rt, formatAttrPath(attr));
  if (!resolved) return undefined;
  const ext = resolved.extension;
  const top = resolved.parent ?? resolved.def;
  let sub = resolved.parent ? resolved.def : undefined;
  // `emails co "x"` compares the "value" sub-attribute of a multi-valued complex attribute (RFC 7644 §3.4.2.2 examples).
  if (!sub && forCompare && top.type === 'complex' && top.multiValued) {
    sub = top.subAttributes?.find((s) => s.name === 'value');
  }
  const path = `${ext ? `${ext}:` : ''}${top.name}${sub ? `.${sub.name}` : ''}`;
  const topName = top.name;
  const container = ext
    ? (r: JsonObject) => { const c = getProp(r, ext); return isObject(c) ? c : undefined; }
    : (r: JsonObject) => r;
  if (!sub) {
    return {
      def: top, path,
      values: (r) => { const c = container(r); if (!c) return NONE; const out: unknown[] = []; pushValue(out, getProp(c, topName)); return out; },
    };
  }
  const subName = sub.name;
  return {
    def: sub, path,
    values: (r) => {
      const c = container(r);
      if (!c) return NONE;
      const v = getProp(c, topName);
      const out: unknown[] = [];
      if (Array.isArray(v)) {
        for (const el of v) if (isObject(el)) pushValue(out, getProp(el, subName));
      } else if (isObject(v)) {
        pushValue(out, getProp(v, subName));
      }
      return out;
    },
  };
}

function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  return undefined;
}

function ordered<T>(op: CompareOp, lit: T): (x: T) => boolean {
  switch (op) {
    case 'eq': return (x) => x === lit;
    case 'ne': return (x) => x !== lit;
    case 'gt': return (x) => x > lit;
    case 'ge': return (x) => x >= lit;
    case 'lt': return (x) => x < lit;
    default: return (x) => x <= lit;
  }
}

/** A test of one attribute value against the literal, typed by the attribute's definition. */
function valueTest(node: Extract<FilterNode, { kind: 'compare' }>, t: Target, fail: (d: string) => never): (v: unknown) => boolean {
  const { op, value } = node;
  const { def, path } = t;
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary': {
      if (typeof value !== 'string') fail(`${path} is a string attribute: compare it with a "quoted string", not ${describeValue(value)}.`);
      const fold = !def.caseExact;
      const lit = fold ? value.toLowerCase() : value;
      const norm = (v: unknown): string | undefined => (typeof v === 'string' ? (fold ? v.toLowerCase() : v) : undefined);
      if (op === 'co' || op === 'sw' || op === 'ew') {
        return (v) => {
          const s = norm(v);
          if (s === undefined) return false;
          return op === 'co' ? s.includes(lit) : op === 'sw' ? s.startsWith(lit) : s.endsWith(lit);
        };
      }
      const cmp = ordered(op, lit);
      return (v) => { const s = norm(v); return s !== undefined && cmp(s); };
    }
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') fail(`"${op}" cannot compare booleans: use eq or ne with true or false on ${path}.`);
      const lit = asBoolean(value);
      if (lit === undefined) fail(`${path} is a boolean attribute: compare it with true or false, not ${describeValue(value)}.`);
      return (v) => { const b = asBoolean(v); return b !== undefined && (op === 'eq' ? b === lit : b !== lit); };
    }
    case 'integer':
    case 'decimal': {
      if (op === 'co' || op === 'sw' || op === 'ew') fail(`"${op}" compares strings; ${path} is a number: use eq, ne, gt, ge, lt or le.`);
      if (typeof value !== 'number') fail(`${path} is a number: compare it with a number, not ${describeValue(value)}.`);
      const cmp = ordered(op, value);
      return (v) => typeof v === 'number' && cmp(v);
    }
    case 'dateTime': {
      if (typeof value !== 'string') fail(`${path} is a dateTime: compare it with a quoted date such as "2011-05-13T04:42:34Z", not ${describeValue(value)}.`);
      if (op === 'co' || op === 'sw' || op === 'ew') {
        const lit = value.toLowerCase();
        return (v) => typeof v === 'string' && (op === 'co' ? v.toLowerCase().includes(lit) : op === 'sw' ? v.toLowerCase().startsWith(lit) : v.toLowerCase().endsWith(lit));
      }
      const instant = parseDateTime(value);
      if (instant === undefined) fail(`${describeValue(value)} is not a dateTime: write it like "2011-05-13T04:42:34Z".`);
      const cmp = ordered(op, instant);
      return (v) => { if (typeof v !== 'string') return false; const x = parseDateTime(v); return x !== undefined && cmp(x); };
    }
    case 'complex': {
      const example = def.subAttributes?.[0]?.name ?? 'value';
      fail(`${path} is a complex attribute: compare one of its sub-attributes, e.g. ${path}.${example} ${op} …, or use ${path}[…].`);
    }
  }
}

function compileNode(node: FilterNode, rt: ResourceTypeName, parent: AttributeDef | undefined, scimType: ScimType): Pred {
  const fail = (d: string): never => { throw new ScimError(400, scimType, d, node.offset, node.length); };
  switch (node.kind) {
    case 'and':
    case 'or': {
      const parts = chain(node, node.kind).map((n) => compileNode(n, rt, parent, scimType));
      if (parts.length === 2) {
        const [a, b] = parts as [Pred, Pred];
        return node.kind === 'and' ? (r) => a(r) && b(r) : (r) => a(r) || b(r);
      }
      return node.kind === 'and' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
    }
    case 'not': {
      const inner = compileNode(node.filter, rt, parent, scimType);
      return (r) => !inner(r);
    }
    case 'present': {
      const t = resolveTarget(rt, node.attr, parent, false);
      if (!t) return () => false;
      return (r) => t.values(r).some(isPresent);
    }
    case 'valuePath': {
      if (parent) fail('Value filters "[...]" cannot be nested.');
      const t = resolveTarget(rt, node.attr, undefined, false);
      if (!t) return () => false;
      if (t.def.type !== 'complex') fail(`${t.path}[...] filters the values of a complex attribute, but ${t.path} is a ${t.def.type}.`);
      const inner = compileNode(node.filter, rt, t.def, scimType);
      return (r) => t.values(r).some((el) => isObject(el) && inner(el));
    }
    case 'compare': {
      const t = resolveTarget(rt, node.attr, parent, true);
      if (!t) return () => false;
      if (node.value === null) {
        if (node.op === 'eq') return (r) => !t.values(r).some(isPresent);
        if (node.op === 'ne') return (r) => t.values(r).some(isPresent);
        fail(`"${node.op}" needs a value to compare with, not null.`);
      }
      const test = valueTest(node, t, fail);
      return (r) => t.values(r).some(test);
    }
  }
}

/**
 * Compiles to a predicate, schema-aware: strings compare case-insensitively unless the attribute is caseExact,
 * dateTimes as instants, multi-valued attributes match when ANY value does; `pr` means present and non-empty;
 * `eq null` means "not present" and `ne null` "present". Unknown attributes never match (no error).
 * Comparisons the attribute's type does not support (gt on a boolean, a number against a string attribute,
 * a complex attribute without a sub-attribute) throw ScimError 400 invalidFilter pointing at the expression.
 */
export function compileFilter(node: FilterNode, rt: ResourceTypeName): (resource: Resource) => boolean {
  return compileNode(node, rt, undefined, 'invalidFilter');
}

/**
 * Compiles the filter of a value path (`emails[type eq "work"]`, PATCH paths) to a predicate on one element of
 * the multi-valued attribute `attr`. Errors carry `scimType` (invalidPath for PATCH paths).
 */
export function compileValueFilter(filter: FilterNode, rt: ResourceTypeName, attr: AttrPath, scimType: ScimType = 'invalidFilter'): (element: JsonObject) => boolean {
  const resolved = resolveAttribute(rt, formatAttrPath(attr));
  if (!resolved || resolved.def.type !== 'complex') return () => false;
  return compileNode(filter, rt, resolved.def, scimType);
}

/** An `attr eq literal` term an index can answer: the canonical path and the value typed like the attribute. */
export interface EqualityLookup { path: string; value: string | number | boolean | null }

/**
 * The ways an index can narrow a filter, one per conjunct of its top-level AND chain: a list of lookups whose
 * matches, together, hold every match of that conjunct — one lookup for an `attr eq literal` conjunct, one per
 * term for an OR of such terms (`userName eq "a" or userName eq "b"`; a term that is itself an AND chain gives
 * its first lookup). Paths are canonical schema names ('userName', 'externalId', 'displayName', 'emails.value',
 * '<extension URN>:employeeNumber') and values typed like the attribute (Entra's "true" becomes true), so a store
 * can answer from an index and check the rest with the compiled predicate. Compare string values
 * case-insensitively unless the attribute is caseExact (resolveAttribute(rt, path).def.caseExact). A conjunct
 * with NOT, or an OR with any term no index can narrow, gives nothing; unknown attributes, dateTimes, null and
 * mistyped values are left to the predicate.
 */
export function equalityLookups(node: FilterNode, rt: ResourceTypeName): EqualityLookup[][] {
  const out: EqualityLookup[][] = [];
  for (const c of node.kind === 'and' ? chain(node, 'and') : [node]) {
    if (c.kind === 'compare') {
      const one = equalityLookup(c, rt);
      if (one) out.push([one]);
    } else if (c.kind === 'or') {
      const union: EqualityLookup[] = [];
      for (const term of chain(c, 'or')) {
        const first = equalityLookups(term, rt)[0];
        if (!first) { union.length = 0; break; }
        union.push(...first);
      }
      if (union.length) out.push(union);
    }
  }
  return out;
}

function equalityLookup(c: FilterNode & { kind: 'compare' }, rt: ResourceTypeName): EqualityLookup | undefined {
  if (c.op !== 'eq' || c.value === null) return undefined;
  const t = resolveTarget(rt, c.attr, undefined, true);
  if (!t) return undefined;
  const type = t.def.type;
  if ((type === 'string' || type === 'reference') && typeof c.value === 'string') return { path: t.path, value: c.value };
  if (type === 'boolean' && asBoolean(c.value) !== undefined) return { path: t.path, value: asBoolean(c.value) as boolean };
  if ((type === 'integer' || type === 'decimal') && typeof c.value === 'number') return { path: t.path, value: c.value };
  return undefined;
}
