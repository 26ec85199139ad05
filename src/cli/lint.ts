// scim-workbench lint: the payload validator for CI pipelines of teams that keep SCIM payload fixtures.
// Expands globs itself (node 20 has no stable fs.glob), prints `file:line:col severity code message` or JSON,
// exits 1 when any error is found.
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isProvisioningConfiguration, loadMappingTable, validatePayload, validateProvisioningConfiguration, type Problem, type Severity } from '../validation';
import type { MappingTable } from '../scim/mapping';
import { LineIndex } from '../scim/text';
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
  ** matches any number of directories, {a,b} alternatives. Quote globs so the shell does not expand them:
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

/** A glob as a regular expression over '/'-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inClass = false;
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (inClass) {
      if (c === ']') inClass = false;
      re += c === '\\' ? '\\\\' : c;
      continue;
    }
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          // "**/" matches zero or more directories; a trailing "**" matches everything below.
          re += i + 2 === glob.length ? '.*' : '(?:[^/]*/)*';
          i += i + 2 === glob.length ? 1 : 2;
          continue;
        }
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      inClass = true;
      re += glob[i + 1] === '!' ? (i++, '[^') : '[';
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) {
      re += '|';
    } else {
      re += c.replace(/[.+^$()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** Files under `dir` (relative paths with '/'), pruned to `maxDepth` levels (Infinity for "**"). */
async function walk(dir: string, maxDepth: number, out: string[], prefix = ''): Promise<void> {
  let names: import('node:fs').Dirent[];
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of names) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) {
      if (maxDepth > 1 && !SKIPPED_DIRS.has(d.name)) await walk(join(dir, d.name), maxDepth - 1, out, rel);
    } else if (d.isFile()) {
      out.push(rel);
    }
  }
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
  const re = globToRegExp(rest.join('/'));
  return found.filter((f) => re.test(f)).map((f) => join(base, f));
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
        records.push(...toRecords(displayPath(io.cwd, file), text, shown));
      }

      if (format === 'json') {
        io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      } else {
        for (const r of records) io.stdout.write(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.code} ${r.message}\n`);
        const count = (s: Severity) => records.filter((r) => r.severity === s).length;
        const errors = count('error');
        const warnings = count('warning');
        io.stderr.write(`${files.size} file${files.size === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${records.length - errors - warnings} other.\n`);
      }
      return records.some((r) => r.severity === 'error') ? 1 : 0;
    },
  };
}

export const lint: CliCommand = createLintCommand({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
