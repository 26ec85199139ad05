// .NET regular expressions (Replace, REGEX MATCH scoping clauses) on JavaScript's engine, with the time a
// match may take bounded. JavaScript cannot interrupt a RegExp, so a pattern that can backtrack
// catastrophically — a quantified group that itself holds a quantifier or an alternation, `(a+)+`, `(a|a)*`,
// or several unbounded quantifiers over a long input — runs inside node:vm with a timeout (V8 interrupts the
// match); every other pattern runs directly. Compiled patterns are cached.
import * as vm from 'node:vm';

export class RegexError extends Error {}

export interface CompiledRegex {
  readonly pattern: string;
  /** Global, with match indices (for group replacement). */
  readonly re: RegExp;
  /** A quantified group holding a quantifier or an alternation: exponential backtracking is possible. */
  readonly nested: boolean;
  /** Number of unbounded quantifiers (*, +, {n,}): several make long inputs slow (polynomial). */
  readonly unbounded: number;
}

export interface RegexMatch {
  readonly index: number;
  readonly text: string;
  /** Numbered groups (index 0 is the whole match); undefined when a group did not take part. */
  readonly groups: readonly (string | null | undefined)[];
  readonly named: Readonly<Record<string, string | null | undefined>>;
  /** [start, end) of each numbered group. */
  readonly spans: readonly ([number, number] | null | undefined)[];
  readonly namedSpans: Readonly<Record<string, [number, number] | null | undefined>>;
}

/** Inputs at least this long run in the sandbox when the pattern has several unbounded quantifiers. */
const LONG_INPUT = 2_000;
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const cache = new Map<string, CompiledRegex>();
const CACHE_SIZE = 500;

/** Translates a .NET pattern to a JavaScript RegExp; throws RegexError saying what is wrong. */
export function compileRegex(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let flags = 'gd';
  let i = 0;
  const inline = /^\(\?([imsx]+)\)/.exec(pattern);
  if (inline) {
    if (inline[1].includes('x')) throw new RegexError('the inline option (?x) (ignore pattern white space) is not supported by the workbench');
    for (const f of new Set(inline[1])) flags += f;
    i = inline[0].length;
  }
  const unicode = /\\[pP]\{/.test(pattern);
  if (unicode) flags += 'u';
  let out = '';
  let inClass = false;
  let nested = false;
  let unbounded = 0;
  // Per open group: did it hold a quantifier or an alternation?
  const groups: boolean[] = [];
  let lastGroupRisky = false;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw new RegexError('the pattern ends with a lone backslash');
      i++;
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && n === 'z') out += '$(?![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?=\\n?$(?![\\s\\S]))';
      else if (unicode && !/[A-Za-z0-9]/.test(n) && !SYNTAX.has(n) && !(inClass && n === '-')) out += n;
      else out += c + n;
      lastGroupRisky = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += '\\' + pattern[++i];
      continue;
    }
    if (c === '(') {
      if (pattern.startsWith('(?>', i)) throw new RegexError('atomic groups (?>…) are not supported by the workbench');
      if (pattern.startsWith('(?#', i)) {
        const end = pattern.indexOf(')', i);
        if (end === -1) throw new RegexError('the comment (?#… is not closed');
        i = end;
        continue;
      }
      const quoted = /^\(\?'([A-Za-z_][A-Za-z0-9_]*)'/.exec(pattern.slice(i));
      if (quoted) {
        out += `(?<${quoted[1]}>`;
        i += quoted[0].length - 1;
      } else {
        out += c;
      }
      groups.push(false);
      continue;
    }
    if (c === ')') {
      lastGroupRisky = groups.pop() ?? false;
      if (groups.length > 0 && lastGroupRisky) groups[groups.length - 1] = true;
      out += c;
      continue;
    }
    if (c === '|') {
      if (groups.length > 0) groups[groups.length - 1] = true;
      out += c;
      continue;
    }
    if (c === '*' || c === '+' || (c === '{' && /^\{\d+,\}/.test(pattern.slice(i)))) {
      unbounded++;
      if (pattern[i - 1] === ')' && lastGroupRisky) nested = true;
      if (groups.length > 0) groups[groups.length - 1] = true;
    } else if (c === '{' || c === '?') {
      if (pattern[i - 1] === ')' && lastGroupRisky && c === '{') nested = true;
    }
    out += c;
  }
  let re: RegExp;
  try {
    re = new RegExp(out, flags);
  } catch (e) {
    throw new RegexError(`the pattern does not compile: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  const compiled: CompiledRegex = { pattern, re, nested, unbounded };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

function collect(re: RegExp, input: string): RegexMatch[] {
  const out: RegexMatch[] = [];
  re.lastIndex = 0;
  for (const m of input.matchAll(re)) {
    const indices = (m as RegExpMatchArray & { indices?: ([number, number] | undefined)[] & { groups?: Record<string, [number, number] | undefined> } }).indices;
    out.push({
      index: m.index ?? 0,
      text: m[0],
      groups: Array.from(m),
      named: { ...(m.groups ?? {}) },
      spans: indices ? Array.from(indices, (s) => (s ? [s[0], s[1]] as [number, number] : undefined)) : [],
      namedSpans: indices?.groups ? { ...indices.groups } : {},
    });
  }
  return out;
}

const SANDBOX = new vm.Script(`result = (${collect.toString()})(re, input)`);

/** Every match of the pattern in input; throws RegexError when a risky pattern runs longer than timeoutMs. */
export function allMatches(compiled: CompiledRegex, input: string, timeoutMs: number): RegexMatch[] {
  const risky = compiled.nested || (compiled.unbounded > 1 && input.length >= LONG_INPUT);
  if (!risky) return collect(compiled.re, input);
  const context = vm.createContext({ re: compiled.re, input, result: undefined as unknown });
  try {
    SANDBOX.runInContext(context, { timeout: timeoutMs });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new RegexError(`matching took longer than ${timeoutMs} ms and was stopped (the pattern can backtrack catastrophically: avoid a quantified group holding a quantifier, such as (a+)+)`);
    }
    throw e;
  }
  // Objects built in the sandbox: copy into this realm's plain values.
  return JSON.parse(JSON.stringify(context.result)) as RegexMatch[];
}

/** Expands a .NET replacement string ($1, ${name}, $$, $&, $`, $') for one match. */
export function expandReplacement(replacement: string, m: RegexMatch, input: string): string {
  if (!replacement.includes('$')) return replacement;
  return replacement.replace(/\$(?:\{([^}]*)\}|(\d+)|([$&`'_]))/g, (all, name: string | undefined, num: string | undefined, sym: string | undefined) => {
    if (name !== undefined) {
      if (/^\d+$/.test(name)) return m.groups[Number(name)] ?? '';
      return name in m.named ? m.named[name] ?? '' : all;
    }
    if (num !== undefined) return Number(num) < m.groups.length ? m.groups[Number(num)] ?? '' : all;
    switch (sym) {
      case '$': return '$';
      case '&': return m.text;
      case '`': return input.slice(0, m.index);
      case '\'': return input.slice(m.index + m.text.length);
      default: return input;
    }
  });
}
