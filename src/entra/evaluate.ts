// The evaluator of Entra's expression language with Entra's null rules: an absent attribute is null, a
// null result means "no value" (the attribute does not flow; a mapping's default value may apply), an empty
// string flows as is. Values are strings ("True"/"False" for booleans, numbers as text) or, for
// multi-valued attributes, arrays of strings. Clock, randomness and the regex time bound are injectable.
// Semantics follow learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data;
// the decisions taken where it is silent are listed in docs/entra-expressions.md.
import { randomUUID } from 'node:crypto';
import { dateAdd, dateDiff, DateError, formatDate, formatEntraDate, fromFileTime, parseDate, parseDateExact, readInterval, toFileTime } from './dates';
import { findFunction, type FunctionSpec } from './functions';
import type { Arg, CallExpr, CompareExpr, Expr, ExpressionError } from './parser';
import { allMatches, compileRegex, expandReplacement, RegexError } from './regex';
import { plural } from '../scim/text';
import { normalizeDiacritics, pcase } from './text';

export type Value = string | null | readonly string[];

/** The source object: attribute name → value (string, boolean, number, array of those, null or absent). */
export type SourceObject = Readonly<Record<string, unknown>>;

export interface EvalOptions {
  /** The clock for Now() (default: the system clock). */
  readonly now?: () => number;
  /** Uniform random numbers in [0, 1) for RandomString and Guid (default: crypto-strength). */
  readonly random?: () => number;
  /** Longest a risky regular expression may run (default 100 ms). */
  readonly regexTimeoutMs?: number;
  /** What DefaultDomain() returns. */
  readonly defaultDomain?: string;
  /** Values of cloud-sync placeholders such as %DomainFQDN%. */
  readonly placeholders?: Readonly<Record<string, string>>;
  /** SelectUniqueValue: is this value still free in the target? (default: every value is). */
  readonly isUnique?: (value: string) => boolean;
}

export type Flow = 'value' | 'none' | 'ignoreAttribute' | 'ignoreObject';

export type Outcome =
  | { readonly flow: 'value'; readonly value: string | readonly string[]; readonly redacted: boolean }
  | { readonly flow: 'none' | 'ignoreAttribute' | 'ignoreObject' }
  | { readonly flow: 'error'; readonly error: ExpressionError };

class EvalFail extends Error {
  constructor(message: string, readonly node: { start: number; end: number }) {
    super(message);
  }
}

class FlowSignal extends Error {
  constructor(readonly flow: 'ignoreAttribute' | 'ignoreObject') {
    super(flow);
  }
}

const TRUE = 'True';
const FALSE = 'False';
const bool = (b: boolean) => (b ? TRUE : FALSE);
const INTEGER = /^-?\d+$/;

/** Converts a source attribute's JSON value into an expression value. */
export function toValue(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      const s = toValue(x);
      if (typeof s === 'string') out.push(s);
    }
    return out;
  }
  return JSON.stringify(v);
}

const has = Object.prototype.hasOwnProperty;

type Impl = (ev: Evaluator, call: CallExpr) => Value;

class Evaluator {
  redacted = false;
  constructor(readonly source: SourceObject, readonly options: EvalOptions) {}

  fail(message: string, node: { start: number; end: number }): never {
    throw new EvalFail(message, node);
  }

  value(e: Expr): Value {
    switch (e.kind) {
      case 'string': return e.value;
      case 'number': return e.value;
      case 'attribute': return has.call(this.source, e.name) ? toValue(this.source[e.name]) : null;
      case 'compare': return this.compare(e);
      case 'keyword': return this.keyword(e.name, e);
      case 'call': return this.call(e);
    }
  }

  private keyword(name: string, node: Expr): Value {
    switch (name) {
      case 'IgnoreAttributeFlow': throw new FlowSignal('ignoreAttribute');
      case 'IgnoreObjectFlow': throw new FlowSignal('ignoreObject');
      case 'vbBinaryCompare': case 'vbTextCompare': return name;
    }
    if (name.startsWith('%')) {
      const v = this.options.placeholders?.[name.slice(1, -1)];
      if (v === undefined) this.fail(`${name} is a placeholder Entra cloud sync fills in; no value was given for it.`, node);
      return v;
    }
    this.fail(`Unknown keyword ${name}: a bare word is one of vbBinaryCompare, vbTextCompare, IgnoreAttributeFlow, IgnoreObjectFlow; write text as "${name}" and functions as ${name}(…).`, node);
  }

  private call(e: CallExpr): Value {
    const spec = findFunction(e.name);
    const impl = spec && IMPLS.get(spec.name);
    if (!spec || !impl) this.fail(`Unknown function ${e.name}.`, { start: e.start, end: e.nameEnd });
    const n = e.args.length;
    if (n < spec.min || n > spec.max) this.fail(arityMessage(spec, n), { start: e.start, end: e.nameEnd });
    return impl(this, e);
  }

  /** Is argument i present (not omitted)? */
  given(call: CallExpr, i: number): boolean {
    const a = call.args[i];
    return a !== undefined && a.kind !== 'empty';
  }

  arg(call: CallExpr, i: number): Value {
    const a = call.args[i];
    return a === undefined || a.kind === 'empty' ? null : this.value(a);
  }

  /** Argument i as one string (null when absent or null); a multi-valued value is an error. */
  str(call: CallExpr, i: number): string | null {
    const v = this.arg(call, i);
    if (v !== null && typeof v !== 'string') {
      this.fail(`${call.name} takes one value here, but ${this.text(call.args[i])} has ${v.length}; pick one with Item(…, 1) or join them with Join.`, call.args[i]);
    }
    return v;
  }

  /** Argument i as an integer; null when omitted or null. */
  int(call: CallExpr, i: number, what: string): number | null {
    const v = this.str(call, i);
    if (v === null) return null;
    const t = v.trim();
    if (INTEGER.test(t)) return Number(t);
    if (/^&H[0-9a-f]+$/i.test(t)) return Number(BigInt('0x' + t.slice(2)));
    this.fail(`${call.name}'s ${what} must be a whole number; got "${v}".`, call.args[i]);
  }

  /** Argument i as a date (UTC ms); null when null. */
  date(call: CallExpr, i: number): number | null {
    const v = this.str(call, i);
    if (v === null) return null;
    try {
      return parseDate(v);
    } catch (err) {
      if (err instanceof DateError) this.fail(`${call.name}: ${err.message}.`, call.args[i]);
      throw err;
    }
  }

  text(a: Arg): string {
    return a.kind === 'attribute' ? `[${a.name}]` : a.kind === 'call' ? `${a.name}(…)` : 'the value';
  }

  private compare(e: CompareExpr): Value {
    const l = this.value(e.left);
    const r = this.value(e.right);
    if (l === null || r === null) return null;
    if (typeof l !== 'string' || typeof r !== 'string') {
      this.fail(`A comparison takes single values; ${typeof l !== 'string' ? this.text(e.left) : this.text(e.right)} is multi-valued.`, typeof l !== 'string' ? e.left : e.right);
    }
    if (e.op === '=') return bool(l === r);
    if (e.op === '<>') return bool(l !== r);
    const numeric = INTEGER.test(l.trim()) && INTEGER.test(r.trim());
    const c = numeric ? Math.sign(Number(l) - Number(r)) : l < r ? -1 : l > r ? 1 : 0;
    switch (e.op) {
      case '>': return bool(c > 0);
      case '>=': return bool(c >= 0);
      case '<': return bool(c < 0);
      default: return bool(c <= 0);
    }
  }

  random(): number {
    return this.options.random ? this.options.random() : Math.random();
  }

  regexMatches(call: CallExpr, i: number, pattern: string, input: string) {
    try {
      return allMatches(compileRegex(pattern), input, this.options.regexTimeoutMs ?? 100);
    } catch (err) {
      if (err instanceof RegexError) this.fail(`${call.name}'s regular expression ${JSON.stringify(pattern)}: ${err.message}.`, call.args[i]);
      throw err;
    }
  }
}

export function arityMessage(spec: FunctionSpec, n: number): string {
  const range = spec.max === Infinity ? `at least ${spec.min}` : spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
  return `${spec.name} takes ${range} ${plural(spec.max === Infinity ? spec.min : spec.max, 'argument')} — ${spec.signature} — but is given ${n}.`;
}

/** Truthiness of a condition value: True/False (any case) or a number (non-zero = true). */
function truth(ev: Evaluator, v: string, node: { start: number; end: number }, fn: string): boolean {
  const t = v.trim();
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) !== 0;
  ev.fail(`${fn} needs True, False or a number; got "${v}".`, node);
}

const oneString = (f: (s: string) => string): Impl => (ev, c) => {
  const s = ev.str(c, 0);
  return s === null ? null : f(s);
};

function dateResult(ev: Evaluator, c: CallExpr, f: () => number): string {
  try {
    return formatEntraDate(f());
  } catch (err) {
    if (err instanceof DateError) ev.fail(`${c.name}: ${err.message}.`, c);
    throw err;
  }
}

function replace(ev: Evaluator, c: CallExpr): Value {
  const src = ev.str(c, 0);
  const has = (i: number) => ev.given(c, i);
  const [FIND, REGEX, GROUP, REPLACEMENT, PROPERTY, TEMPLATE] = [1, 2, 3, 4, 5, 6];
  if (has(FIND) && has(REGEX)) ev.fail('Replace takes either oldValue (2nd argument) or regexPattern (3rd), not both.', c.args[REGEX]);
  if (has(FIND)) {
    const find = ev.str(c, FIND) ?? '';
    if (find === '') ev.fail('Replace\'s oldValue is empty: there is nothing to find.', c.args[FIND]);
    if (has(TEMPLATE)) {
      if (src === null) return null;
      return (ev.str(c, TEMPLATE) ?? '').split(find).join(src);
    }
    if (!has(REPLACEMENT)) ev.fail('Replace with oldValue needs replacementValue (5th argument) or template (7th).', c);
    if (src === null) return null;
    return src.split(find).join(ev.str(c, REPLACEMENT) ?? '');
  }
  if (!has(REGEX)) ev.fail('Replace needs oldValue (2nd argument) or regexPattern (3rd).', c);
  const pattern = ev.str(c, REGEX) ?? '';
  if (has(GROUP) && has(PROPERTY)) {
    if (src !== null && src !== '') return src;
    const other = ev.str(c, PROPERTY);
    if (other === null) return null;
    const group = ev.str(c, GROUP) ?? '';
    const m = ev.regexMatches(c, REGEX, pattern, other)[0];
    if (!m) return null;
    if (!(group in m.named)) ev.fail(`Replace's regexGroupName "${group}" is not a named group of the pattern.`, c.args[GROUP]);
    return m.named[group] ?? null;
  }
  if (!has(REPLACEMENT)) ev.fail('Replace with regexPattern needs replacementValue (5th argument), or regexGroupName with replacementAttributeName.', c);
  if (src === null) return null;
  const replacement = ev.str(c, REPLACEMENT) ?? '';
  const matches = ev.regexMatches(c, REGEX, pattern, src);
  let out = '';
  let last = 0;
  if (has(GROUP)) {
    const group = ev.str(c, GROUP) ?? '';
    for (const m of matches) {
      if (!(group in m.namedSpans)) ev.fail(`Replace's regexGroupName "${group}" is not a named group of the pattern.`, c.args[GROUP]);
      const span = m.namedSpans[group];
      if (!span) continue;
      out += src.slice(last, span[0]) + expandReplacement(replacement, m, src);
      last = span[1];
    }
  } else {
    for (const m of matches) {
      out += src.slice(last, m.index) + expandReplacement(replacement, m, src);
      last = m.index + m.text.length;
    }
  }
  return out + src.slice(last);
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const SPECIALS = '!@#$%^&*()-_=+[]{};:,.<>/?~';

function randomString(ev: Evaluator, c: CallExpr): Value {
  const names = ['Length', 'MinimumNumbers', 'MinimumSpecialCharacters', 'MinimumCapital', 'MinimumLowerCase'];
  const n = names.map((name, i) => {
    const v = ev.int(c, i, name);
    if (v === null || v < 0) ev.fail(`RandomString's ${name} must be a whole number ≥ 0.`, c.args[i] ?? c);
    return v;
  });
  const [length, ...mins] = n;
  if (length > 256) ev.fail(`RandomString's Length is at most 256; got ${length}.`, c.args[0]);
  const sum = mins.reduce((a, b) => a + b, 0);
  if (sum > length) ev.fail(`RandomString's minimums add up to ${sum}, more than its Length ${length}.`, c.args[0]);
  const avoid = ev.str(c, 5) ?? '';
  const pools = [DIGITS, SPECIALS, UPPER, LOWER].map((p) => [...p].filter((ch) => !avoid.includes(ch)).join(''));
  pools.forEach((p, i) => { if (mins[i] > 0 && p === '') ev.fail('RandomString: CharactersToAvoid leaves no character for one of the minimums.', c.args[5]); });
  const all = pools.join('');
  if (all === '' && length > 0) ev.fail('RandomString: CharactersToAvoid leaves no character to choose from.', c.args[5]);
  const pick = (pool: string) => pool[Math.floor(ev.random() * pool.length) % pool.length];
  const chars: string[] = [];
  pools.forEach((p, i) => { for (let k = 0; k < mins[i]; k++) chars.push(pick(p)); });
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = Math.floor(ev.random() * (i + 1)) % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

function guid(ev: Evaluator): string {
  if (!ev.options.random) return randomUUID();
  const hex = Array.from({ length: 32 }, (_, i) => {
    const nibble = Math.floor(ev.random() * 16) & 15;
    return (i === 12 ? 4 : i === 16 ? (nibble & 3) | 8 : nibble).toString(16);
  }).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function switchFn(ev: Evaluator, c: CallExpr): Value {
  if (c.args.length % 2 !== 0) ev.fail(`Switch takes its source, a default value and key/value pairs — an even number of arguments — but is given ${c.args.length}.`, { start: c.start, end: c.nameEnd });
  const src = ev.str(c, 0) ?? '';
  for (let i = 2; i < c.args.length; i += 2) {
    const key = ev.str(c, i) ?? '';
    if (key === src) return ev.arg(c, i + 1);
  }
  return ev.arg(c, 1);
}

function iif(ev: Evaluator, c: CallExpr): Value {
  const cond = ev.arg(c, 0);
  if (cond === null) return null;
  if (typeof cond !== 'string') ev.fail('IIF\'s condition is multi-valued.', c.args[0]);
  return truth(ev, cond, c.args[0], 'IIF\'s condition') ? ev.arg(c, 1) : ev.arg(c, 2);
}

const IMPLS = new Map<string, Impl>([
  ['Append', (ev, c) => {
    const s = ev.str(c, 0);
    return s === null ? null : s + (ev.str(c, 1) ?? '');
  }],
  ['Prepend', (ev, c) => {
    const s = ev.str(c, 1);
    return s === null ? null : (ev.str(c, 0) ?? '') + s;
  }],
  ['AppRoleAssignments', (ev, c) => ev.arg(c, 0)],
  ['AppRoleAssignmentsComplex', (ev, c) => ev.arg(c, 0)],
  ['AssertiveAppRoleAssignmentsComplex', (ev, c) => ev.arg(c, 0)],
  ['SingleAppRoleAssignment', (ev, c) => {
    const v = ev.arg(c, 0);
    if (v === null || typeof v === 'string') return v === '' ? null : v;
    return v.length > 0 ? v[0] : null;
  }],
  ['BitAnd', (ev, c) => {
    const a = ev.int(c, 0, 'value1');
    const b = ev.int(c, 1, 'value2');
    return a === null || b === null ? null : (BigInt(a) & BigInt(b)).toString();
  }],
  ['CBool', (ev, c) => {
    const v = ev.str(c, 0);
    return v === null ? null : bool(truth(ev, v, c.args[0], 'CBool'));
  }],
  ['CDate', (ev, c) => {
    const d = ev.date(c, 0);
    return d === null ? null : dateResult(ev, c, () => d);
  }],
  ['Coalesce', (ev, c) => {
    for (let i = 0; i < c.args.length; i++) {
      const v = ev.arg(c, i);
      if (v !== null && (typeof v === 'string' || v.length > 0)) return v;
    }
    return null;
  }],
  ['ConvertToBase64', oneString((s) => Buffer.from(s, 'utf16le').toString('base64'))],
  ['ConvertToUTF8Hex', oneString((s) => Buffer.from(s, 'utf8').toString('hex').toUpperCase())],
  ['Count', (ev, c) => {
    const v = ev.arg(c, 0);
    return String(v === null ? 0 : typeof v === 'string' ? 1 : v.length);
  }],
  ['CStr', (ev, c) => ev.str(c, 0)],
  ['DateAdd', (ev, c) => {
    const interval = ev.str(c, 0);
    const n = ev.int(c, 1, 'value');
    const d = ev.date(c, 2);
    if (interval === null || n === null || d === null) return null;
    return dateResult(ev, c, () => dateAdd(readInterval(interval), n, d));
  }],
  ['DateDiff', (ev, c) => {
    const interval = ev.str(c, 0);
    const a = ev.date(c, 1);
    const b = ev.date(c, 2);
    if (interval === null || a === null || b === null) return null;
    try {
      return String(dateDiff(readInterval(interval), a, b));
    } catch (err) {
      if (err instanceof DateError) ev.fail(`DateDiff: ${err.message}.`, c.args[0]);
      throw err;
    }
  }],
  ['DateFromNum', (ev, c) => {
    const v = ev.str(c, 0);
    if (v === null) return null;
    if (!INTEGER.test(v.trim())) ev.fail(`DateFromNum needs a file time (a whole number of 100-ns ticks since 1601); got "${v}".`, c.args[0]);
    return dateResult(ev, c, () => fromFileTime(BigInt(v.trim())));
  }],
  ['NumFromDate', (ev, c) => {
    const d = ev.date(c, 0);
    return d === null ? null : toFileTime(d).toString();
  }],
  ['DefaultDomain', (ev, c) => {
    return ev.options.defaultDomain ?? ev.fail('DefaultDomain() is the tenant\'s default domain; none was given (the CLI takes --default-domain).', c);
  }],
  ['Error', (ev, c) => ev.fail(`Error(…) was reached: ${ev.str(c, 0) ?? ''}`, c)],
  ['FormatDateTime', (ev, c) => {
    const old = c.args.length === 3;
    const s = ev.str(c, 0);
    const missing = () => ev.fail('FormatDateTime needs an inputFormat and an outputFormat.', c);
    const input = ev.str(c, old ? 1 : 2) ?? missing();
    const output = ev.str(c, old ? 2 : 3) ?? missing();
    if (s === null) return null;
    try {
      return formatDate(parseDateExact(s, input), output);
    } catch (err) {
      if (err instanceof DateError) ev.fail(`FormatDateTime: ${err.message}.`, c.args[0]);
      throw err;
    }
  }],
  ['Guid', (ev) => guid(ev)],
  ['IgnoreFlowIfNullOrEmpty', (ev, c) => {
    const v = ev.arg(c, 0);
    if (v === null || v === '' || (typeof v !== 'string' && v.length === 0)) throw new FlowSignal('ignoreAttribute');
    return v;
  }],
  ['IIF', iif],
  ['InStr', (ev, c) => {
    const a = ev.str(c, 0);
    const b = ev.str(c, 1);
    const start = ev.int(c, 2, 'start') ?? 1;
    const mode = ev.str(c, 3) ?? 'vbBinaryCompare';
    if (mode !== 'vbBinaryCompare' && mode !== 'vbTextCompare') ev.fail(`InStr's compareType is vbBinaryCompare or vbTextCompare; got "${mode}".`, c.args[3]);
    if (start < 1) ev.fail(`InStr's start is 1-based; got ${start}.`, c.args[2]);
    if (a === null || b === null) return null;
    const text = mode === 'vbTextCompare';
    return String((text ? a.toLowerCase() : a).indexOf(text ? b.toLowerCase() : b, start - 1) + 1);
  }],
  ['IsNull', (ev, c) => bool(ev.arg(c, 0) === null)],
  ['IsNothing', (ev, c) => bool(ev.arg(c, 0) === null)],
  ['IsNullOrEmpty', (ev, c) => {
    const v = ev.arg(c, 0);
    return bool(v === null || v.length === 0);
  }],
  ['IsPresent', (ev, c) => {
    const v = ev.arg(c, 0);
    return bool(v !== null && v.length > 0);
  }],
  ['IsString', (ev, c) => bool(typeof ev.arg(c, 0) === 'string')],
  ['Item', (ev, c) => {
    const v = ev.arg(c, 0);
    const i = ev.int(c, 1, 'index');
    if (i === null) return null;
    if (i < 1) ev.fail(`Item's index is 1-based: Item([proxyAddresses], 1) is the first value; got ${i}.`, c.args[1]);
    if (v === null) return null;
    if (typeof v === 'string') return i === 1 ? v : null;
    return v[i - 1] ?? null;
  }],
  ['Join', (ev, c) => {
    const sep = ev.str(c, 0) ?? '';
    const parts: string[] = [];
    let any = false;
    for (let i = 1; i < c.args.length; i++) {
      const v = ev.arg(c, i);
      if (v === null) continue;
      any = true;
      if (typeof v === 'string') { if (v !== '') parts.push(v); } else for (const x of v) if (x !== '') parts.push(x);
    }
    return any ? parts.join(sep) : null;
  }],
  ['Left', (ev, c) => {
    const s = ev.str(c, 0);
    const n = ev.int(c, 1, 'NumChars');
    if (s === null) return '';
    if (n === null) return null;
    return n < 0 ? s : s.slice(0, n);
  }],
  ['Mid', (ev, c) => {
    const s = ev.str(c, 0);
    const start = ev.int(c, 1, 'start');
    const len = ev.int(c, 2, 'length');
    if (start !== null && start < 1) ev.fail(`Mid's start is 1-based: Mid([givenName], 1, 3) is the first three characters; got ${start}.`, c.args[1]);
    if (len !== null && len < 0) ev.fail(`Mid's length must not be negative; got ${len}.`, c.args[2]);
    if (s === null) return '';
    if (start === null || len === null) return null;
    return s.substr(start - 1, len);
  }],
  ['NormalizeDiacritics', oneString(normalizeDiacritics)],
  ['Not', (ev, c) => {
    const v = ev.str(c, 0);
    return v === null ? null : bool(!/^true$/i.test(v.trim()));
  }],
  ['Now', (ev) => formatEntraDate(ev.options.now ? ev.options.now() : Date.now())],
  ['PCase', (ev, c) => {
    const s = ev.str(c, 0);
    return s === null ? null : pcase(s, ev.given(c, 1) ? ev.str(c, 1) ?? '' : undefined);
  }],
  ['RandomString', randomString],
  ['Redact', (ev, c) => {
    const v = ev.arg(c, 0);
    ev.redacted = true;
    return v;
  }],
  ['RemoveDuplicates', (ev, c) => {
    const v = ev.arg(c, 0);
    return v === null || typeof v === 'string' ? v : [...new Set(v)];
  }],
  ['Replace', replace],
  ['SelectUniqueValue', (ev, c) => {
    for (let i = 0; i < c.args.length; i++) {
      const v = ev.str(c, i);
      if (v !== null && v !== '' && (!ev.options.isUnique || ev.options.isUnique(v))) return v;
    }
    return ev.fail('SelectUniqueValue: every rule\'s value is already taken in the target (Entra escrows the object and logs the reason).', c);
  }],
  ['Split', (ev, c) => {
    const s = ev.str(c, 0);
    const d = ev.given(c, 1) ? ev.str(c, 1) ?? '' : ',';
    if (s === null) return null;
    return d === '' ? [s] : s.split(d);
  }],
  ['StripSpaces', oneString((s) => s.split(' ').join(''))],
  ['Switch', switchFn],
  ['ToLower', (ev, c) => caseFn(ev, c, false)],
  ['ToUpper', (ev, c) => caseFn(ev, c, true)],
  ['Trim', oneString((s) => s.trim())],
  ['Word', (ev, c) => {
    const s = ev.str(c, 0);
    const n = ev.int(c, 1, 'WordNumber');
    const delims = ev.str(c, 2) ?? '';
    if (s === null || n === null || n < 1) return '';
    const words: string[] = [];
    let cur = '';
    for (const ch of s) {
      if (delims.includes(ch)) {
        if (cur !== '') words.push(cur);
        cur = '';
      } else cur += ch;
    }
    if (cur !== '') words.push(cur);
    return words[n - 1] ?? '';
  }],
]);

function caseFn(ev: Evaluator, c: CallExpr, upper: boolean): Value {
  const s = ev.str(c, 0);
  const culture = ev.given(c, 1) ? ev.str(c, 1) : null;
  if (s === null) return null;
  if (culture === null || culture === '') return upper ? s.toUpperCase() : s.toLowerCase();
  try {
    return upper ? s.toLocaleUpperCase(culture) : s.toLocaleLowerCase(culture);
  } catch {
    ev.fail(`${c.name}'s culture "${culture}" is not an RFC 4646 name such as en-US or tr-TR.`, c.args[1]);
  }
}

/** Evaluates a parsed expression for one source object; never throws. */
export function evaluate(expr: Expr, source: SourceObject, options: EvalOptions = {}): Outcome {
  const ev = new Evaluator(source, options);
  let v: Value;
  try {
    v = ev.value(expr);
  } catch (err) {
    if (err instanceof FlowSignal) return { flow: err.flow };
    if (err instanceof EvalFail) return { flow: 'error', error: { message: err.message, offset: err.node.start, length: err.node.end - err.node.start } };
    if (err instanceof RangeError) return { flow: 'error', error: { message: `The evaluation failed: ${err.message}.`, offset: expr.start, length: expr.end - expr.start } };
    throw err;
  }
  if (v === null || (typeof v !== 'string' && v.length === 0)) return { flow: 'none' };
  return { flow: 'value', value: v, redacted: ev.redacted };
}
