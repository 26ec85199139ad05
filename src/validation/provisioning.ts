// Diagnostics of a provisioning configuration file (Entra's synchronizationSchema): the loader's and the
// linter's problems (src/entra) placed in the text — at the JSON value of their path, or inside an
// expression string at the exact characters (escapes counted). Shared by the editor and `scim-workbench lint`.
import { findNodeAtLocation, findNodeAtOffset, getNodePath, type JSONPath, type Node } from 'jsonc-parser';
import {
  FUNCTIONS, KEYWORDS, findFunction, findObject, findOperator, isSynchronizationSchema, loadConfiguration, loadConfigurationText, parseExpression,
  type AttributeDefinition, type AttributeMappingDefinition, type Expr, type FunctionSpec, type JsonPath, type ObjectDefinition, type ProvisioningConfiguration,
} from '../entra';
import { lintConfiguration } from '../entra/lint';
import { mappingTableFromConfiguration } from '../entra/table';
import type { LoadedMapping } from './mappingFile';
import { rangeAtPath as rangeAt, rangeInString, Reporter, valueRange } from './json';
import type { Problem } from './rules';
import { syntaxProblems } from './syntax';
import { readTree, treeValue } from './tree';

/** File names that are provisioning configuration files whatever their content. */
export const PROVISIONING_FILE = /\.provisioning\.json$/i;

/** Is this file a provisioning configuration: by name, or by content (a top-level "synchronizationRules")? */
export function isProvisioningConfiguration(fileName: string, text: string): boolean {
  if (PROVISIONING_FILE.test(fileName)) return true;
  // Cheap pre-check before parsing a possibly large JSON file.
  if (!text.includes('"synchronizationRules"')) return false;
  const { root } = readTree(text, { allowTrailingComma: true });
  return root !== undefined && root.type === 'object' && root.children?.some((p) => p.children?.[0]?.value === 'synchronizationRules') === true;
}

export function validateProvisioningConfiguration(text: string): { problems: Problem[] } {
  const { root, errors, tooDeep } = readTree(text, { allowTrailingComma: false });
  const r = new Reporter(text, errors.length > 0);
  syntaxProblems(r, errors, 'Until the file is valid JSON its mappings are not checked.');
  if (tooDeep) r.report('SCIM090', { offset: 0, length: 0 }, 'The file nests too deeply to be read.');
  if (!root || errors.length > 0 || tooDeep) return { problems: r.problems };
  const read = treeValue(root);
  if (!read) {
    r.report('SCIM090', { offset: 0, length: 0 }, 'The file nests too deeply to be read.');
    return { problems: r.problems };
  }
  const value = read.value;
  if (!isSynchronizationSchema(value) && !(typeof value === 'object' && value !== null && !Array.isArray(value))) {
    r.report('SCIM090', valueRange(root), 'A provisioning configuration is a JSON object with "directories" and "synchronizationRules" (Entra\'s synchronizationSchema).');
    return { problems: r.problems };
  }
  for (const p of lintConfiguration(loadConfiguration(value))) {
    let range = rangeAt(root, p.path as JSONPath);
    const node = findNodeAtLocation(root, p.path as JSONPath);
    if (p.inExpression && node?.type === 'string') range = rangeInString(text, node, p.inExpression.offset, p.inExpression.length);
    const fixes = p.replacement !== undefined && node
      ? [{ title: `Write ${p.replacement}`, kind: 'quickfix' as const, edits: [p.inExpression && node.type === 'string'
        ? { ...range, newText: JSON.stringify(p.replacement).slice(1, -1) }
        : { offset: node.offset, length: node.length, newText: JSON.stringify(p.replacement) }] }]
      : undefined;
    r.report(p.code, range, p.message, fixes);
    const last = r.problems.length - 1;
    if (r.problems[last].severity !== p.severity) r.problems[last] = { ...r.problems[last], severity: p.severity };
  }
  return { problems: r.problems };
}

/**
 * A provisioning configuration used as the workspace's mapping table (setting scimWorkbench.mappingFile, lint
 * --mapping): the table its MURAL-bound mappings give, and the file's own problems.
 */
export function provisioningMappingTable(text: string, value: unknown): LoadedMapping {
  const { problems } = validateProvisioningConfiguration(text);
  const config = loadConfiguration(value).config;
  const derived = config ? mappingTableFromConfiguration(config, 'the workspace\'s provisioning configuration') : { reason: 'The file is not a usable provisioning configuration.' };
  if (!derived.table) {
    return { problems: [...problems, { code: 'SCIM080', severity: 'error', offset: 0, length: 1, message: `${derived.reason} Until it does, payloads are checked against MURAL's default table.` }] };
  }
  return { table: derived.table, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Hover, completion and CodeLens positions in provisioning configuration files.

/** Where a position falls in a provisioning configuration. */
interface Located {
  readonly root: Node;
  readonly node: Node;
  readonly path: JSONPath;
  readonly config?: ProvisioningConfiguration;
}

function locate(text: string, offset: number): Located | undefined {
  const { root, errors } = readTree(text, { allowTrailingComma: true });
  if (!root || errors.length > 0) return undefined;
  const node = findNodeAtOffset(root, offset);
  if (!node || node.type !== 'string') return undefined;
  const read = treeValue(root);
  const config = read ? loadConfiguration(read.value).config : undefined;
  return { root, node, path: getNodePath(node), config };
}

/** The source object definition of the object mapping at `path` (…objectMappings[j]…). */
function sourceObjectAt(config: ProvisioningConfiguration | undefined, path: JSONPath): ObjectDefinition | undefined {
  if (!config || path[0] !== 'synchronizationRules' || path[2] !== 'objectMappings') return undefined;
  const rule = config.rules.find((r) => r.path[1] === path[1]);
  const om = rule?.objectMappings.find((m) => m.path[3] === path[3]);
  return rule && om ? findObject(config, rule.sourceDirectoryName, om.sourceObjectName) : undefined;
}

const isExpressionPath = (path: JSONPath) => path.length === 8 && path[4] === 'attributeMappings' && path[6] === 'source' && path[7] === 'expression';

/** The decoded offset inside a string node of a document offset. */
function decodedOffset(text: string, node: Node, offset: number): number {
  let raw = node.offset + 1;
  let decoded = 0;
  while (raw < offset && raw < node.offset + node.length - 1) {
    raw += text.charCodeAt(raw) === 0x5c ? (text[raw + 1] === 'u' ? 6 : 2) : 1;
    decoded++;
  }
  return decoded;
}

export interface ProvisioningHover {
  readonly contents: string;
  readonly offset: number;
  readonly length: number;
}

function describeAttribute(a: AttributeDefinition, objectName: string): string {
  return `**[${a.name}]** — ${a.type}${a.multivalued ? ', multi-valued' : ''}${a.required ? ', required' : ''} attribute of ${objectName} in this file's directories.`
    + (a.multivalued ? '\n\nPick values with `Item`, `Join` or `Count`; scoping filters cannot test it.' : '');
}

function describeFunction(f: FunctionSpec): string {
  return `**${f.signature}**\n\n${f.doc}${f.example ? `\n\n\`${f.example}\`` : ''}\n\n[Entra's function reference](https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#${f.name.toLowerCase()})`;
}

/** The innermost expression node containing a decoded offset. */
function nodeAt(e: Expr, at: number): Expr | undefined {
  if (at < e.start || at > e.end) return undefined;
  if (e.kind === 'call') {
    for (const a of e.args) if (a.kind !== 'empty') { const inner = nodeAt(a, at); if (inner) return inner; }
  } else if (e.kind === 'compare') {
    return nodeAt(e.left, at) ?? nodeAt(e.right, at) ?? e;
  }
  return e;
}

/** Hover documentation of the function, attribute, keyword or scoping operator at an offset. */
export function provisioningHoverAt(text: string, offset: number): ProvisioningHover | undefined {
  const at = locate(text, offset);
  if (!at) return undefined;
  const { node, path } = at;
  if (path[path.length - 1] === 'operatorName' && path.includes('clauses')) {
    const op = findOperator(String(node.value));
    return op ? { contents: `**${op.name}** — ${op.doc}${op.unary ? ' Takes no value.' : ''}`, ...valueRange(node) } : undefined;
  }
  if (!isExpressionPath(path)) return undefined;
  const parsed = parseExpression(String(node.value));
  if (!parsed.ok) return undefined;
  const d = decodedOffset(text, node, offset);
  const e = nodeAt(parsed.expr, d);
  if (!e) return undefined;
  const range = (start: number, end: number) => rangeInString(text, node, start, end - start);
  if (e.kind === 'call') {
    const f = findFunction(e.name);
    return f && d <= e.nameEnd ? { contents: describeFunction(f), ...range(e.start, e.nameEnd) } : undefined;
  }
  if (e.kind === 'attribute') {
    const object = sourceObjectAt(at.config, path);
    const a = object?.attributes.find((x) => x.name === e.name);
    return { contents: a ? describeAttribute(a, object!.name) : `**[${e.name}]** — not an attribute of the source object in this file's directories.`, ...range(e.start, e.end) };
  }
  if (e.kind === 'keyword') {
    const doc = KEYWORDS.get(e.name);
    return doc ? { contents: `**${e.name}** — ${doc}`, ...range(e.start, e.end) } : undefined;
  }
  return undefined;
}

export interface ProvisioningCompletion {
  readonly label: string;
  readonly kind: 'function' | 'attribute' | 'keyword';
  /** The JSON-escaped text that replaces [offset, offset + length). */
  readonly insertText: string;
  readonly detail: string;
  readonly documentation?: string;
}

/** Completion inside an expression string: `[attributes]` after `[`, function names and keywords elsewhere. */
export function provisioningCompletionsAt(text: string, offset: number): { offset: number; length: number; items: ProvisioningCompletion[] } | undefined {
  const at = locate(text, offset);
  if (!at || !isExpressionPath(at.path)) return undefined;
  const { node } = at;
  const value = String(node.value);
  const d = decodedOffset(text, node, offset);
  const before = value.slice(0, d);
  const open = before.lastIndexOf('[');
  const escape = (s: string) => JSON.stringify(s).slice(1, -1);
  if (open > before.lastIndexOf(']') && before.lastIndexOf('"', d) <= open) {
    const object = sourceObjectAt(at.config, at.path);
    if (!object) return undefined;
    const closed = value[d] === ']' || /^[\w-]*\]/.test(value.slice(d));
    const end = closed ? value.indexOf(']', d) : d;
    const r = rangeInString(text, node, open + 1, end - open - 1);
    return {
      ...r,
      items: object.attributes.map((a) => ({ label: a.name, kind: 'attribute', insertText: escape(closed ? a.name : `${a.name}]`), detail: `${a.type}${a.multivalued ? ' (multi-valued)' : ''}`, documentation: describeAttribute(a, object.name) })),
    };
  }
  const word = /[A-Za-z_]\w*$/.exec(before);
  // Inside a string literal of the expression nothing is completed.
  if ((before.replace(/\\./g, '').match(/"/g) ?? []).length % 2 === 1) return undefined;
  const start = word ? d - word[0].length : d;
  const r = rangeInString(text, node, start, d - start);
  return {
    ...r,
    items: [
      ...FUNCTIONS.map((f): ProvisioningCompletion => ({ label: f.name, kind: 'function', insertText: escape(`${f.name}(`), detail: f.signature, documentation: describeFunction(f) })),
      ...[...KEYWORDS].map(([k, doc]): ProvisioningCompletion => ({ label: k, kind: 'keyword', insertText: k, detail: 'keyword', documentation: doc })),
    ],
  };
}

/** One attribute mapping of an enabled object mapping: where its CodeLens goes and what it evaluates. */
export interface MappingLocation {
  /** JSON path of the attribute mapping. */
  readonly path: JsonPath;
  readonly offset: number;
  readonly targetAttributeName: string;
  readonly sourceObjectName: string;
  readonly type: AttributeMappingDefinition['type'];
}

/** Every attribute mapping of the enabled object mappings, in file order. */
export function mappingLocations(text: string): MappingLocation[] {
  const { root, errors } = readTree(text, { allowTrailingComma: true });
  if (!root || errors.length > 0) return [];
  const read = treeValue(root);
  const config = read ? loadConfiguration(read.value).config : undefined;
  const out: MappingLocation[] = [];
  for (const rule of config?.rules ?? []) {
    for (const om of rule.objectMappings) {
      if (!om.enabled) continue;
      for (const m of om.attributeMappings) {
        const n = findNodeAtLocation(root, m.path as JSONPath);
        if (n) out.push({ path: m.path, offset: n.offset, targetAttributeName: m.targetAttributeName, sourceObjectName: om.sourceObjectName, type: m.type });
      }
    }
  }
  return out;
}

/** The attribute mapping at a JSON path of a configuration text (for evaluating it). */
export function mappingAt(text: string, path: JsonPath): AttributeMappingDefinition | undefined {
  const loaded = loadConfigurationText(text);
  for (const rule of loaded.config?.rules ?? []) {
    for (const om of rule.objectMappings) {
      const m = om.attributeMappings.find((x) => x.path.length === path.length && x.path.every((p, i) => p === path[i]));
      if (m) return m;
    }
  }
  return undefined;
}
