// Request files in REST Client's `.http` format, parsed and resolved without I/O.
//
//   @user = alice-{{$guid}}@contoso.com          file variable (anywhere outside a request's headers/body)
//   ### Create user                               separator; the text after it names the next request
//   # @name createUser                            a name given in a comment (# or //)
//   POST {{tenantUrl}}/Users HTTP/1.1             request line; the method defaults to GET
//     ?excludedAttributes=members                 continuation lines starting with ? or & extend the URL
//   Authorization: Bearer {{token}}               headers until the first blank line
//
//   {"userName": "{{user}}"}                      body, up to the next separator
//
// {{tenantUrl}} and {{token}} come from the chosen connection, so tokens never sit in files. System
// variables: {{$guid}} (a fresh UUID per occurrence), {{$timestamp [offset unit]}}, {{$randomInt min max}}.
// Request variables read the last exchange of a named request, as REST Client's do:
//   {{createUser.response.body.$.id}}   {{createUser.response.headers.Location}}   {{createUser.request.body.*}}

import { randomInt as cryptoRandomInt, randomUUID } from 'node:crypto';
import { LineIndex } from '../scim/text';
import { parseJsonPath, selectJsonPath } from './jsonPath';

export type Severity = 'error' | 'warning';

export interface HttpFileProblem {
  readonly message: string;
  readonly severity: Severity;
  /** Offset in the file text (UTF-16 code units) and length, at least 1. */
  readonly offset: number;
  readonly length: number;
  /** 0-based line and column of `offset`. */
  readonly line: number;
  readonly column: number;
}

/** Text from the file and the offset where it starts, so problems inside it point at the right place. */
export interface TextPart {
  readonly text: string;
  readonly offset: number;
}

export interface HttpFileHeader {
  readonly name: string;
  readonly value: string;
  readonly line: number;
  readonly valueOffset: number;
}

export interface HttpFileVariable {
  readonly name: string;
  /** The value as written; it may use other variables. */
  readonly value: string;
  readonly line: number;
  readonly valueOffset: number;
}

export interface HttpFileRequest {
  /** 0-based position among the file's requests. */
  readonly index: number;
  /** From `### name` or `# @name name`. */
  readonly name?: string;
  readonly method: string;
  /** The URL as written, continuation lines joined, variables unresolved. */
  readonly url: string;
  readonly urlParts: readonly TextPart[];
  readonly headers: readonly HttpFileHeader[];
  /** The body as written (line endings kept), variables unresolved; undefined when there is none. */
  readonly body?: TextPart;
  /** The line of the request line: where a "Send" CodeLens goes. */
  readonly requestLine: number;
  /** First and last line of the request's block (0-based, inclusive; separators excluded). */
  readonly startLine: number;
  readonly endLine: number;
}

export interface HttpFile {
  readonly requests: readonly HttpFileRequest[];
  readonly variables: ReadonlyMap<string, HttpFileVariable>;
  /** Syntax problems; unresolved variables are reported by resolveRequest. */
  readonly problems: readonly HttpFileProblem[];
  /** Offset → line and column, with the same line breaks the parser split the file at. */
  readonly lines: LineIndex;
}

export interface ResolveContext {
  /** The chosen connection's tenant base URL (no trailing slash, no aadOptscim062020 flag). */
  readonly tenantUrl?: string;
  /** The chosen connection's secret token. */
  readonly token?: string;
  /** Further variables (e.g. an environment); file variables take precedence over them. */
  readonly variables?: Readonly<Record<string, string>>;
  readonly guid?: () => string;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** An integer in [min, max). */
  readonly randomInt?: (min: number, max: number) => number;
  /**
   * The last exchange of the request with this name, for request variables. Without it (checking a file
   * while it is edited) a request variable only has to name a request of the file and a readable part.
   */
  readonly exchange?: (requestName: string) => NamedExchange | undefined;
}

/** What a request variable can read of a named request's last exchange (as the client gave it: redacted). */
export interface NamedExchange {
  readonly request: { readonly headers: Readonly<Record<string, string>>; readonly body?: string };
  readonly response: { readonly headers: Readonly<Record<string, string>>; readonly body: string };
}

export interface ResolvedRequest {
  readonly name?: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface ResolveResult {
  /** Undefined when a problem of severity 'error' was found. */
  readonly request?: ResolvedRequest;
  readonly problems: readonly HttpFileProblem[];
}

/** Variables filled from the chosen connection; a file should not define them. */
export const CONNECTION_VARIABLES = ['tenantUrl', 'token'] as const;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);
const SEPARATOR = /^#{3,}(.*)$/;
const COMMENT = /^\s*(#|\/\/)/;
const NAME_META = /^\s*(?:#|\/\/)\s*@name\s+(\S+)\s*$/;
const VARIABLE_DEF = /^\s*@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/;
const REQUEST_LINE = /^\s*([A-Za-z]+)\s+(.+?)\s*$/;
const HTTP_VERSION = /\s+HTTP\/\d(?:\.\d)?$/i;
const HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*?)\s*$/;
const REFERENCE = /\{\{([^{}]*)\}\}/g;
const VARIABLE_NAME = /^[A-Za-z_][\w.-]*$/;
const REQUEST_VARIABLE = /^([A-Za-z_][\w-]*)\.(request|response)\.(body|headers)\.(.+)$/;
const TIME_UNITS: Record<string, number> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000,
};

interface Line {
  readonly text: string;
  readonly start: number;
}

function splitLines(text: string, index: LineIndex): Line[] {
  const lines: Line[] = [];
  for (let k = 0; k < index.lineCount; k++) {
    const start = index.lineStart(k);
    lines.push({ text: text.slice(start, index.lineEnd(k)), start });
  }
  return lines;
}

/** Parses a `.http` file. Never throws: what cannot be understood becomes a problem. */
export function parseHttpFile(text: string): HttpFile {
  const index = new LineIndex(text);
  const lines = splitLines(text, index);
  const problems: HttpFileProblem[] = [];
  const problem = (severity: Severity, message: string, offset: number, length: number) => {
    problems.push({ message, severity, offset, length: Math.max(1, length), ...index.position(offset) });
  };
  const variables = new Map<string, HttpFileVariable>();
  const requests: HttpFileRequest[] = [];

  let i = 0;
  let blockName: string | undefined;
  while (i < lines.length) {
    const startLine = i;
    let name = blockName;
    blockName = undefined;
    // Before the request line: blank lines, comments, @name, variables.
    let requestLine = -1;
    for (; i < lines.length; i++) {
      const { text: t, start } = lines[i];
      const sep = SEPARATOR.exec(t);
      if (sep) break;
      if (!t.trim()) continue;
      const meta = NAME_META.exec(t);
      if (meta) {
        name = meta[1];
        continue;
      }
      if (COMMENT.test(t)) continue;
      const def = VARIABLE_DEF.exec(t);
      if (def) {
        const valueOffset = start + t.indexOf('=') + 1 + (/^\s*/.exec(t.slice(t.indexOf('=') + 1))?.[0].length ?? 0);
        const nameOffset = start + t.indexOf('@');
        if (variables.has(def[1])) {
          problem('warning', `@${def[1]} is defined more than once; the last definition wins.`, nameOffset, def[1].length + 1);
        }
        if ((CONNECTION_VARIABLES as readonly string[]).includes(def[1])) {
          problem('warning',
            `{{${def[1]}}} is filled from the chosen connection${def[1] === 'token' ? ' (its secret storage): keep tokens out of files' : ''}; this value is used only when no connection is chosen.`,
            nameOffset, def[1].length + 1);
        }
        variables.set(def[1], { name: def[1], value: def[2], line: i, valueOffset });
        checkBraces(def[2], valueOffset, problem);
        continue;
      }
      requestLine = i;
      break;
    }
    if (requestLine < 0) {
      // A block of comments and variables only; the loop stopped at a separator or the end.
      if (i < lines.length) blockName = SEPARATOR.exec(lines[i].text)![1].trim() || undefined;
      i++;
      continue;
    }

    const { text: rl, start: rlStart } = lines[requestLine];
    const m = REQUEST_LINE.exec(rl);
    let method = 'GET';
    let urlText = rl.trim();
    let urlOffset = rlStart + rl.indexOf(urlText);
    if (m && METHODS.has(m[1].toUpperCase())) {
      method = m[1].toUpperCase();
      urlText = m[2];
      urlOffset = rlStart + rl.indexOf(m[2], rl.indexOf(m[1]) + m[1].length);
    } else if (m && /^[A-Z]+$/.test(m[1]) && !/[/:.]/.test(m[1])) {
      problem('error', `Unknown method "${m[1]}": use GET, POST, PUT, PATCH or DELETE.`, rlStart + rl.indexOf(m[1]), m[1].length);
    }
    urlText = urlText.replace(HTTP_VERSION, '');
    const urlParts: TextPart[] = [{ text: urlText, offset: urlOffset }];
    const headers: HttpFileHeader[] = [];
    let body: TextPart | undefined;
    i = requestLine + 1;
    // URL continuation lines, then headers up to a blank line.
    for (; i < lines.length && /^\s*[?&]/.test(lines[i].text); i++) {
      const t = lines[i].text.trim();
      urlParts.push({ text: t, offset: lines[i].start + lines[i].text.indexOf(t) });
    }
    for (; i < lines.length; i++) {
      const { text: t, start } = lines[i];
      if (SEPARATOR.test(t) || !t.trim()) break;
      if (COMMENT.test(t)) continue;
      const h = HEADER.exec(t);
      if (h) {
        const valueOffset = start + t.indexOf(':') + 1 + (/^\s*/.exec(t.slice(t.indexOf(':') + 1))?.[0].length ?? 0);
        headers.push({ name: h[1], value: h[2], line: i, valueOffset });
        checkBraces(h[2], valueOffset, problem);
      } else {
        const trimmed = t.trim();
        problem('error',
          /^[{[<"]/.test(trimmed)
            ? 'Put a blank line between the headers and the body.'
            : `Expected a header "Name: value" here (or a blank line before the body).`,
          start + t.indexOf(trimmed), trimmed.length);
      }
    }
    // Body: after the blank line up to the next separator, trailing blank lines dropped.
    if (i < lines.length && !SEPARATOR.test(lines[i].text)) {
      i++;
      const bodyStart = i;
      let lastContent = -1;
      for (; i < lines.length && !SEPARATOR.test(lines[i].text); i++) {
        if (lines[i].text.trim()) lastContent = i;
      }
      if (lastContent >= bodyStart) {
        const from = lines[bodyStart].start;
        const to = lines[lastContent].start + lines[lastContent].text.length;
        body = { text: text.slice(from, to), offset: from };
        checkBraces(body.text, from, problem);
      }
    }
    for (const part of urlParts) checkBraces(part.text, part.offset, problem);
    const endLine = i - 1;
    requests.push({
      index: requests.length,
      ...(name ? { name } : {}),
      method,
      url: urlParts.map((p) => p.text).join(''),
      urlParts,
      headers,
      ...(body ? { body } : {}),
      requestLine,
      startLine,
      endLine,
    });
    if (i < lines.length) {
      blockName = SEPARATOR.exec(lines[i].text)![1].trim() || undefined;
      i++;
    }
  }
  return { requests, variables, problems, lines: index };
}

/** Reports a `{{` without its `}}` and a `}}` without its `{{`. */
function checkBraces(text: string, offset: number, problem: (s: Severity, m: string, o: number, l: number) => void): void {
  const stripped = text.replace(REFERENCE, (all) => ' '.repeat(all.length));
  const open = stripped.indexOf('{{');
  if (open >= 0) problem('error', 'This "{{" has no closing "}}".', offset + open, 2);
}

/** The request whose block contains `line` (0-based), for "send the request at the cursor". */
export function requestAtLine(file: HttpFile, line: number): HttpFileRequest | undefined {
  return file.requests.find((r) => r.startLine <= line && line <= r.endLine);
}

/**
 * Fills in every `{{variable}}` of `request`; the request is returned only when nothing is wrong, and the
 * problems include the file's syntax errors inside the request's block. Each file variable is expanded once
 * per call, so `@user = u-{{$guid}}` gives the same user in the URL and the body; a direct `{{$guid}}` is
 * fresh at each occurrence.
 */
export function resolveRequest(file: HttpFile, request: HttpFileRequest, context: ResolveContext = {}): ResolveResult {
  const problems: HttpFileProblem[] = file.problems.filter(
    (p) => p.severity === 'error' && p.line >= request.startLine && p.line <= request.endLine);
  const guid = context.guid ?? randomUUID;
  const now = context.now ?? Date.now;
  const randomInt = context.randomInt ?? ((min: number, max: number) => cryptoRandomInt(min, max));
  const cache = new Map<string, string | undefined>();
  const resolving = new Set<string>();
  const problem = (message: string, offset: number, length: number) => {
    problems.push({ message, severity: 'error', offset, length: Math.max(1, length), ...file.lines.position(offset) });
  };

  const system = (expr: string, offset: number, length: number): string | undefined => {
    const [fn, ...args] = expr.split(/\s+/);
    switch (fn) {
      case '$guid':
        if (args.length) break;
        return guid();
      case '$timestamp': {
        if (args.length === 0) return String(Math.floor(now() / 1000));
        const unit = TIME_UNITS[args[1]];
        if (args.length === 2 && /^[-+]?\d+$/.test(args[0]) && unit) return String(Math.floor((now() + Number(args[0]) * unit) / 1000));
        problem(`Write {{$timestamp}} or {{$timestamp <offset> <unit>}} with unit y, M, w, d, h, m, s or ms, e.g. {{$timestamp -1 d}}.`, offset, length);
        return undefined;
      }
      case '$randomInt': {
        const [min, max] = args.map(Number);
        if (args.length === 2 && Number.isSafeInteger(min) && Number.isSafeInteger(max) && min < max) return String(randomInt(min, max));
        problem('Write {{$randomInt min max}} with integers min < max (max excluded), e.g. {{$randomInt 1 100}}.', offset, length);
        return undefined;
      }
      default:
        problem(`{{${fn}}} is not a known system variable: use {{$guid}}, {{$timestamp}} or {{$randomInt min max}}.`, offset, length);
        return undefined;
    }
    problem(`{{${fn}}} takes no arguments.`, offset, length);
    return undefined;
  };

  const variable = (name: string, offset: number, length: number): string | undefined => {
    if (name === 'tenantUrl' && context.tenantUrl !== undefined) return context.tenantUrl;
    if (name === 'token' && context.token !== undefined) return context.token;
    const def = file.variables.get(name);
    if (def) {
      if (resolving.has(name)) {
        problem(`@${name} refers to itself (through ${[...resolving].map((n) => `@${n}`).join(' → ')}).`, offset, length);
        return undefined;
      }
      if (!cache.has(name)) {
        resolving.add(name);
        cache.set(name, expand([{ text: def.value, offset: def.valueOffset }]));
        resolving.delete(name);
      }
      const value = cache.get(name);
      if (value === undefined) problem(`{{${name}}} cannot be filled in: its definition on line ${def.line + 1} has a problem.`, offset, length);
      return value;
    }
    const extra = context.variables?.[name];
    if (extra !== undefined) return extra;
    if (name === 'token') problem('{{token}} is filled from the chosen connection: choose a connection that has a secret token.', offset, length);
    else if (name === 'tenantUrl') problem('{{tenantUrl}} is filled from the chosen connection: choose a connection first.', offset, length);
    else problem(`{{${name}}} is not defined: define it in the file with "@${name} = value".`, offset, length);
    return undefined;
  };

  const requestVariable = (m: RegExpExecArray, offset: number, length: number): string | undefined => {
    const [all, name = '', side = '', part = '', selector = ''] = m;
    const named = file.requests.find((r) => r.name === name);
    if (!named) {
      problem(`{{${all}}} reads the request named ${name}, but no request of this file has that name: write "# @name ${name}" above its request line.`, offset, length);
      return undefined;
    }
    const path = part === 'body' && selector !== '*' ? parseJsonPath(selector) : undefined;
    if (path instanceof Error) {
      problem(`{{${all}}}: ${path.message} Use * for the whole body.`, offset, length);
      return undefined;
    }
    if (named === request) {
      problem(`{{${all}}} reads this request's own exchange: a request can only use one sent before it.`, offset, length);
      return undefined;
    }
    if (!context.exchange) return '';
    const exchange = context.exchange(name);
    if (!exchange) {
      problem(`{{${all}}} needs ${name}'s ${side}: send ${name} (line ${named.requestLine + 1}) first.`, offset, length);
      return undefined;
    }
    const source = side === 'request' ? exchange.request : exchange.response;
    if (part === 'headers') {
      const key = Object.keys(source.headers).find((h) => h.toLowerCase() === selector.toLowerCase());
      if (key === undefined) problem(`{{${all}}}: ${name}'s ${side} had no ${selector} header.`, offset, length);
      return key === undefined ? undefined : source.headers[key];
    }
    const body = source.body ?? '';
    if (!path) return body;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      problem(`{{${all}}}: ${name}'s ${side} body is not JSON, so ${selector} cannot be read from it.`, offset, length);
      return undefined;
    }
    const selected = selectJsonPath(json, path);
    if (!selected.found) {
      problem(`{{${all}}}: ${selector} is not in ${name}'s ${side} body.`, offset, length);
      return undefined;
    }
    return typeof selected.value === 'string' ? selected.value : JSON.stringify(selected.value);
  };

  const expand = (parts: readonly TextPart[]): string | undefined => {
    let ok = true;
    const out = parts.map((part) =>
      part.text.replace(REFERENCE, (all: string, inner: string, index: number) => {
        const expr = inner.trim();
        const offset = part.offset + index;
        let value: string | undefined;
        const named = REQUEST_VARIABLE.exec(expr);
        if (expr.startsWith('$')) value = system(expr, offset, all.length);
        else if (named && !file.variables.has(expr)) value = requestVariable(named, offset, all.length);
        else if (VARIABLE_NAME.test(expr)) value = variable(expr, offset, all.length);
        else problem(`"${all}" is not a variable reference: names use letters, digits, _ . and -.`, offset, all.length);
        if (value === undefined) {
          ok = false;
          return all;
        }
        return value;
      })).join('');
    return ok ? out : undefined;
  };

  const url = expand(request.urlParts);
  const headers: Record<string, string> = {};
  for (const h of request.headers) {
    const value = expand([{ text: h.value, offset: h.valueOffset }]);
    if (value !== undefined) headers[h.name] = value;
  }
  const body = request.body ? expand([request.body]) : undefined;
  if (problems.length || url === undefined) return { problems };
  return {
    request: {
      ...(request.name ? { name: request.name } : {}),
      method: request.method,
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
    },
    problems,
  };
}
