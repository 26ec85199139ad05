// scim-workbench lint: the payload validator for CI pipelines of teams that keep SCIM payload fixtures.
// Expands globs itself (node 20 has no stable fs.glob), prints `file:line:col severity code message` or JSON,
// exits 1 when any error is found.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isProvisioningConfiguration, loadMappingTable, validatePayload, validateProvisioningConfiguration, type Problem, type Severity } from '../validation';
import type { MappingTable } from '../scim/mapping';
import { counted, formatCount, LineIndex } from '../scim/text';
import { CliError, parseOptions, type CliCommand } from './command';

export interface LintIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  readonly cwd: string;
}

/** One problem as the JSON output reports it (1-based lines and columns, end exclusive). */
export interface LintRecord {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** What a directory argument stands for: the payload files the extension checks by default. */
const DIRECTORY_PATTERN = '**/*.scim.json';
/** Directories never walked into (unless a pattern names them literally). */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

const HELP = `Usage: scim-workbench lint <files, directories or globs>... [options]

Checks SCIM payload files (User, Group, PatchOp, ListResponse, Error, SearchRequest) the way the editor
does: against the SCIM schemas and MURAL's attribute-mapping table, as Entra would send them.
Provisioning configuration files (*.provisioning.json, or any JSON file with "synchronizationRules": Entra's
downloaded schema) are checked too: shape, expressions, source and target attributes, matching attributes,
scoping filters (docs/entra-expressions.md).

Arguments:
  A file, a directory (all ${DIRECTORY_PATTERN} beneath it) or a glob: * and ? match within a path segment,
  ** matches any number of directories, {a,b} alternatives, [a-z] classes. Symbolic links to files and
  folders are followed (a link back to a folder being walked is not). Quote globs so the shell does not expand them:
    scim-workbench lint 'fixtures/**/*.json'

Options:
  --format text|json    text (default): file:line:col severity code message, one per line;
                        json: an array of {file, line, column, endLine, endColumn, severity, code, message}
  --mapping FILE        a custom mapping table (.vscode/scim-mapping.json) instead of MURAL's
  --severity LEVEL      lowest severity reported: error, warning, information (default) or hint
  -h, --help            this help

Exit code: 1 when any error is found, 0 otherwise, 2 for usage errors (bad options, no file matched).
Codes are explained in docs/diagnostics.md.`;

// ---------------------------------------------------------------------------------------------------------
// Globs

function hasMagic(segment: string): boolean {
  return /[*?[{]/.test(segment);
}

type GlobToken =
  | { kind: 'char'; c: string }
  | { kind: 'any' } // ?
  | { kind: 'class'; negated: boolean; ranges: [string, string][] }
  | { kind: 'star' } // * within a segment
  | { kind: 'dirs' } // **/ : zero or more directories
  | { kind: 'rest' }; // a trailing **: everything below

/** Most alternatives a glob's {a,b} groups may expand to. */
const MAX_ALTERNATIVES = 1024;

/** `glob` with its {a,b} groups expanded (nested groups too); throws a usage error past MAX_ALTERNATIVES. */
function expandBraces(glob: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '{') { if (depth++ === 0) open = i; } else if (glob[i] === '}' && depth > 0 && --depth === 0) {
      const parts: string[] = [];
      let level = 0;
      let from = open + 1;
      for (let j = open + 1; j < i; j++) {
        if (glob[j] === '{') level++;
        else if (glob[j] === '}') level--;
        else if (glob[j] === ',' && level === 0) { parts.push(glob.slice(from, j)); from = j + 1; }
      }
      parts.push(glob.slice(from, i));
      const out: string[] = [];
      for (const part of parts) {
        for (const x of expandBraces(`${glob.slice(0, open)}${part}${glob.slice(i + 1)}`)) {
          out.push(x);
          if (out.length > MAX_ALTERNATIVES) throw new CliError(`The glob ${JSON.stringify(glob)} has more than ${MAX_ALTERNATIVES} {…} alternatives; split it into several.`);
        }
      }
      return out;
    }
  }
  return [glob];
}

function tokenize(glob: string, whole: string): GlobToken[] {
  const out: GlobToken[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/')) {
        out.push(i + 2 === glob.length ? { kind: 'rest' } : { kind: 'dirs' });
        i += i + 2 === glob.length ? 1 : 2;
      } else if (out[out.length - 1]?.kind !== 'star') {
        out.push({ kind: 'star' });
      }
    } else if (c === '?') {
      out.push({ kind: 'any' });
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw new CliError(`The glob ${JSON.stringify(whole)} has a "[" without its "]"; quote a literal bracket as [[].`);
      let body = glob.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      const ranges: [string, string][] = [];
      const chars = [...body];
      for (let k = 0; k < chars.length; k++) {
        const from = chars[k] as string;
        if (chars[k + 1] === '-' && k + 2 < chars.length) {
          const to = chars[k + 2] as string;
          if (to < from) throw new CliError(`The glob ${JSON.stringify(whole)} has the range "${from}-${to}", which runs backwards; write it as "${to}-${from}".`);
          ranges.push([from, to]);
          k += 2;
        } else {
          ranges.push([from, from]);
        }
      }
      out.push({ kind: 'class', negated, ranges });
      i = close;
    } else {
      out.push({ kind: 'char', c });
    }
  }
  return out;
}

/**
 * Whether `path` matches the tokens: dynamic programming over (token, position), so the cost is tokens × path
 * length whatever the glob (a regular expression with several stars backtracks for seconds on a long name).
 */
function matches(tokens: readonly GlobToken[], path: string): boolean {
  const n = path.length;
  let prev = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  prev[0] = 1;
  for (const t of tokens) {
    next.fill(0);
    let seen = 0;
    for (let j = 0; j <= n; j++) {
      const c = path[j - 1];
      switch (t.kind) {
        case 'char': next[j] = j > 0 && prev[j - 1] && c === t.c ? 1 : 0; break;
        case 'any': next[j] = j > 0 && prev[j - 1] && c !== '/' ? 1 : 0; break;
        case 'class': {
          const inside = j > 0 && c !== '/' && t.ranges.some(([a, b]) => (c as string) >= a && (c as string) <= b);
          next[j] = j > 0 && prev[j - 1] && c !== '/' && inside !== t.negated ? 1 : 0;
          break;
        }
        case 'star': next[j] = prev[j] || (j > 0 && next[j - 1] && c !== '/') ? 1 : 0; break;
        // Any text that is empty or ends with "/" is zero or more directories.
        case 'dirs': next[j] = prev[j] || (j > 0 && c === '/' && seen) ? 1 : 0; break;
        case 'rest': next[j] = prev[j] || seen ? 1 : 0; break;
      }
      if (prev[j]) seen = 1;
    }
    [prev, next] = [next, prev];
  }
  return prev[n] === 1;
}

/**
 * A glob over '/'-separated paths: * and ? within a segment, [classes] ([!…] negated), ** for any number of
 * directories, {a,b} alternatives. Throws a CliError (usage, exit 2) for a malformed one.
 */
export function compileGlob(glob: string): { test(path: string): boolean } {
  const alternatives = expandBraces(glob).map((g) => tokenize(g, glob));
  return { test: (path) => alternatives.some((tokens) => matches(tokens, path)) };
}

/**
 * Files under `dir` (relative paths with '/'), pruned to `maxDepth` levels (Infinity for "**"). Symbolic links
 * are followed, to files and to folders; a folder already being walked (a link loop) is not entered again.
 */
async function walk(dir: string, maxDepth: number, out: string[], prefix = '', walking = new Set<string>()): Promise<void> {
  const real = await realpath(dir).catch(() => undefined);
  if (real === undefined || walking.has(real)) return;
  walking.add(real);
  let names: import('node:fs').Dirent[];
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch {
    walking.delete(real);
    return;
  }
  for (const d of names) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    const full = join(dir, d.name);
    const target = d.isSymbolicLink() ? await stat(full).catch(() => undefined) : d;
    if (!target) continue;
    if (target.isDirectory()) {
      if (maxDepth > 1 && !SKIPPED_DIRS.has(d.name)) await walk(full, maxDepth - 1, out, rel, walking);
    } else if (target.isFile()) {
      out.push(rel);
    }
  }
  walking.delete(real);
}

/** The files a pattern names: a file, a directory's payload files, or a glob's matches. Absolute paths. */
export async function expandPattern(pattern: string, cwd: string): Promise<string[]> {
  const normalized = pattern.split(sep).join('/');
  if (!hasMagic(normalized)) {
    const full = resolve(cwd, pattern);
    const st = await stat(full).catch(() => undefined);
    if (st?.isFile()) return [full];
    if (st?.isDirectory()) return expandPattern(`${normalized.replace(/\/+$/, '')}/${DIRECTORY_PATTERN}`, cwd);
    return [];
  }
  const segments = normalized.split('/');
  const firstMagic = segments.findIndex(hasMagic);
  const baseSegments = segments.slice(0, firstMagic);
  const rest = segments.slice(firstMagic);
  const base = baseSegments.length === 0 ? cwd
    : baseSegments.length === 1 && baseSegments[0] === '' ? '/'
      : resolve(cwd, baseSegments.join('/') || '/');
  const maxDepth = rest.includes('**') ? Infinity : rest.length;
  const found: string[] = [];
  await walk(base, maxDepth, found);
  const glob = compileGlob(rest.join('/'));
  return found.filter((f) => glob.test(f)).map((f) => join(base, f));
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** Problems as records with 1-based lines and UTF-16 columns, counted as editors count them (LF, CRLF or CR ends a line). */
export function toRecords(file: string, text: string, problems: readonly Problem[]): LintRecord[] {
  const lines = new LineIndex(text);
  return problems.map((p) => {
    const start = lines.position(p.offset);
    const end = lines.position(p.offset + p.length);
    return { file, line: start.line + 1, column: start.column + 1, endLine: end.line + 1, endColumn: end.column + 1, severity: p.severity, code: p.code, message: p.message };
  });
}

function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return (rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel).split(sep).join('/');
}

async function readMapping(cwd: string, file: string): Promise<MappingTable> {
  const full = resolve(cwd, file);
  const text = await readFile(full, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`Cannot read the mapping file ${file}: ${e.code === 'ENOENT' ? 'it does not exist' : e.message}. Pass the path of a scim-mapping.json.`);
  });
  const loaded = loadMappingTable(text);
  if (!loaded.table) {
    const lines = toRecords(displayPath(cwd, full), text, loaded.problems).map((r) => `  ${r.file}:${r.line}:${r.column} ${r.message}`);
    throw new CliError(`The mapping file ${file} is not usable:\n${lines.join('\n')}`);
  }
  return loaded.table;
}

/** The lint command, writing to `io` (tests pass buffers; the CLI passes the process). */
export function createLintCommand(io: LintIo): CliCommand {
  return {
    name: 'lint',
    summary: 'Check SCIM payload files against the schemas and MURAL\'s mapping table (CI friendly)',
    help: HELP,
    async run(args: string[]): Promise<number> {
      const { values, positionals } = parseOptions('lint', args, {
        format: { type: 'string', default: 'text' },
        mapping: { type: 'string' },
        severity: { type: 'string', default: 'information' },
      }, true);
      const format = values.format as string;
      if (format !== 'text' && format !== 'json') throw new CliError(`--format must be text or json, not "${format}".`);
      const minimum = SEVERITIES.indexOf(values.severity as Severity);
      if (minimum < 0) throw new CliError(`--severity must be one of ${SEVERITIES.join(', ')}, not "${values.severity as string}".`);
      if (positionals.length === 0) throw new CliError('Name the payload files to check, e.g. scim-workbench lint \'fixtures/**/*.scim.json\'.\nRun "scim-workbench lint --help" for the options.');
      const mapping = values.mapping !== undefined ? await readMapping(io.cwd, values.mapping) : undefined;

      const files = new Set<string>();
      const unmatched: string[] = [];
      for (const pattern of positionals) {
        const matched = await expandPattern(pattern, io.cwd);
        if (matched.length === 0) unmatched.push(pattern);
        for (const f of matched) files.add(f);
      }
      if (unmatched.length > 0) {
        throw new CliError(`No file matches ${unmatched.map((u) => `"${u}"`).join(', ')} (relative to ${io.cwd}). A directory stands for its ${DIRECTORY_PATTERN} files; quote globs so the shell leaves them alone.`);
      }

      const records: LintRecord[] = [];
      for (const file of [...files].sort()) {
        const text = await readFile(file, 'utf8').catch((e: Error) => {
          throw new CliError(`Cannot read ${displayPath(io.cwd, file)}: ${e.message}`);
        });
        const { problems } = isProvisioningConfiguration(file, text) ? validateProvisioningConfiguration(text) : validatePayload(text, mapping ? { mapping } : {});
        const shown = problems.filter((p) => SEVERITIES.indexOf(p.severity) <= minimum);
        // One by one: a spread of 130,000 records into push() overflows the call stack.
        for (const r of toRecords(displayPath(io.cwd, file), text, shown)) records.push(r);
      }

      if (format === 'json') {
        io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      } else {
        for (const r of records) io.stdout.write(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.code} ${r.message}\n`);
        const count = (s: Severity) => records.filter((r) => r.severity === s).length;
        const errors = count('error');
        const warnings = count('warning');
        io.stderr.write(`${counted(files.size, 'file')} checked: ${counted(errors, 'error')}, ${counted(warnings, 'warning')}, ${formatCount(records.length - errors - warnings)} other.\n`);
      }
      return records.some((r) => r.severity === 'error') ? 1 : 0;
    },
  };
}

export const lint: CliCommand = createLintCommand({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
