// The provisioning configuration file: Microsoft Graph's synchronizationSchema, as an admin downloads it
// from Entra (Provisioning → Attribute mapping → Review your schema → Download) or from
// GET …/synchronization/jobs/{jobId}/schema. Field meanings:
// learn.microsoft.com/graph/api/resources/synchronization-synchronizationschema and the pages it links.
// The loader is lenient where real files differ (flowTypes with or without spaces, `source: null`,
// `scope: null`, `name: null`, extra fields) and reports anything it cannot use with its JSON path.
import { parseExpression, type Expr, type ExpressionError } from './parser';
import { mappingSourceToText, toMappingSource, type AttributeMappingSource } from './stored';
import type { FilterClause, FilterGroup, Scope } from './scoping';

export type JsonPath = readonly (string | number)[];

/** Problem codes, documented in docs/diagnostics.md. */
export type ConfigProblemCode = 'SCIM090' | 'SCIM091' | 'SCIM092' | 'SCIM093' | 'SCIM094' | 'SCIM095' | 'SCIM096' | 'SCIM097' | 'SCIM098' | 'SCIM099';

export interface ConfigProblem {
  readonly code: ConfigProblemCode;
  readonly path: JsonPath;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** For a problem inside an expression string: where in the string. */
  readonly inExpression?: { readonly offset: number; readonly length: number };
  /** A certain fix: the new text of the value at `path` (or, with inExpression, of that part of the string). */
  readonly replacement?: string;
}

export interface AttributeDefinition {
  readonly name: string;
  readonly type: string;
  readonly multivalued: boolean;
  readonly required: boolean;
  readonly anchor: boolean;
  readonly caseExact: boolean;
}

export interface ObjectDefinition {
  readonly name: string;
  readonly attributes: readonly AttributeDefinition[];
}

export interface DirectoryDefinition {
  readonly name: string;
  readonly objects: readonly ObjectDefinition[];
}

/** The UI's mapping types: Direct ([attribute]), Constant, Expression (a function), None (no source). */
export type MappingType = 'Direct' | 'Constant' | 'Expression' | 'None';

export interface MappingSource {
  /** The expression text as written in the file (the root `expression`, or the tree's canonical text). */
  readonly text: string;
  /** Path of the string `text` came from (for placing problems), or of the source when derived from the tree. */
  readonly textPath: JsonPath;
  /** Parsed; absent when the text does not parse (a problem says why). */
  readonly expr?: Expr;
  readonly tree: AttributeMappingSource | unknown;
}

export type FlowType = 'Always' | 'ObjectAddOnly' | 'MultiValueAddOnly' | 'ValueAddOnly' | 'AttributeAddOnly';

export interface AttributeMappingDefinition {
  readonly targetAttributeName: string;
  readonly type: MappingType;
  readonly source: MappingSource | null;
  readonly defaultValue: string | null;
  /** 0 = not a matching attribute; lower positive values are tried first. */
  readonly matchingPriority: number;
  readonly flowType: FlowType;
  readonly flowBehavior: 'FlowWhenChanged' | 'FlowAlways';
  readonly path: JsonPath;
}

export interface ObjectMappingDefinition {
  readonly name: string | null;
  readonly enabled: boolean;
  readonly flowTypes: ReadonlySet<'Add' | 'Update' | 'Delete'>;
  readonly sourceObjectName: string;
  readonly targetObjectName: string;
  readonly attributeMappings: readonly AttributeMappingDefinition[];
  readonly scope: Scope | null;
  readonly path: JsonPath;
}

export interface SynchronizationRuleDefinition {
  readonly id: string | null;
  readonly name: string | null;
  readonly sourceDirectoryName: string;
  readonly targetDirectoryName: string;
  readonly priority: number;
  readonly editable: boolean;
  readonly objectMappings: readonly ObjectMappingDefinition[];
  readonly path: JsonPath;
}

export interface ProvisioningConfiguration {
  readonly id: string | null;
  readonly version: string | null;
  readonly directories: readonly DirectoryDefinition[];
  readonly rules: readonly SynchronizationRuleDefinition[];
}

export interface LoadedConfiguration {
  /** Absent when the file is not a synchronizationSchema at all; present (possibly partial) otherwise. */
  readonly config?: ProvisioningConfiguration;
  readonly problems: readonly ConfigProblem[];
}

const FLOW_TYPES: readonly FlowType[] = ['Always', 'ObjectAddOnly', 'MultiValueAddOnly', 'ValueAddOnly', 'AttributeAddOnly'];
const OBJECT_FLOWS = ['Add', 'Update', 'Delete'] as const;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Does this JSON value look like a synchronizationSchema (or a Graph response wrapping one)? */
export function isSynchronizationSchema(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.synchronizationRules);
}

class Loader {
  readonly problems: ConfigProblem[] = [];

  error(path: JsonPath, message: string, inExpression?: ExpressionError): void {
    this.problems.push({ code: inExpression ? 'SCIM091' : 'SCIM090', path, message, severity: 'error', ...(inExpression ? { inExpression: { offset: inExpression.offset, length: inExpression.length } } : {}) });
  }

  warn(path: JsonPath, message: string): void {
    this.problems.push({ code: 'SCIM099', path, message, severity: 'warning' });
  }

  array(o: Obj, key: string, path: JsonPath, what: string, optional = false): unknown[] {
    const v = o[key];
    if (Array.isArray(v)) return v;
    if ((v === undefined || v === null) && optional) return [];
    this.error([...path, key], `Expected "${key}" to be an array of ${what}${v === undefined ? ', but it is missing' : `, found ${describe(v)}`}.`);
    return [];
  }

  string(o: Obj, key: string, path: JsonPath, what: string): string | undefined {
    const v = o[key];
    if (typeof v === 'string' && v !== '') return v;
    this.error([...path, key], `Expected "${key}" to be ${what}${v === undefined ? ', but it is missing' : `, found ${describe(v)}`}.`);
    return undefined;
  }

  optionalString(o: Obj, key: string, path: JsonPath): string | null {
    const v = o[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    this.error([...path, key], `Expected "${key}" to be a string or null, found ${describe(v)}.`);
    return null;
  }

  bool(o: Obj, key: string, path: JsonPath, fallback: boolean): boolean {
    const v = o[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false' || v === 'True' || v === 'False') return v.toLowerCase() === 'true';
    this.error([...path, key], `Expected "${key}" to be true or false, found ${describe(v)}.`);
    return fallback;
  }

  int(o: Obj, key: string, path: JsonPath, fallback: number): number {
    const v = o[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    this.error([...path, key], `Expected "${key}" to be a whole number, found ${describe(v)}.`);
    return fallback;
  }

  directory(v: unknown, path: JsonPath): DirectoryDefinition | undefined {
    if (!isObject(v)) { this.error(path, `Expected a directory definition {name, objects}, found ${describe(v)}.`); return undefined; }
    const name = this.string(v, 'name', path, 'the directory\'s name (rules refer to it)');
    const objects = this.array(v, 'objects', path, 'object definitions', true).flatMap((o, i): ObjectDefinition[] => {
      const at = [...path, 'objects', i];
      if (!isObject(o)) { this.error(at, `Expected an object definition {name, attributes}, found ${describe(o)}.`); return []; }
      const oname = this.string(o, 'name', at, 'the object\'s name, e.g. "User"');
      const attributes = this.array(o, 'attributes', at, 'attribute definitions', true).flatMap((a, j): AttributeDefinition[] => {
        const aat = [...at, 'attributes', j];
        if (!isObject(a)) { this.error(aat, `Expected an attribute definition {name, type, …}, found ${describe(a)}.`); return []; }
        const aname = this.string(a, 'name', aat, 'the attribute\'s name');
        if (aname === undefined) return [];
        return [{
          name: aname,
          type: typeof a.type === 'string' ? a.type : 'String',
          multivalued: this.bool(a, 'multivalued', aat, false),
          required: this.bool(a, 'required', aat, false),
          anchor: this.bool(a, 'anchor', aat, false),
          caseExact: this.bool(a, 'caseExact', aat, false),
        }];
      });
      return oname === undefined ? [] : [{ name: oname, attributes }];
    });
    return name === undefined ? undefined : { name, objects };
  }

  rule(v: unknown, path: JsonPath): SynchronizationRuleDefinition | undefined {
    if (!isObject(v)) { this.error(path, `Expected a synchronization rule {sourceDirectoryName, targetDirectoryName, objectMappings}, found ${describe(v)}.`); return undefined; }
    const source = this.string(v, 'sourceDirectoryName', path, 'the name of a directory in "directories"');
    const target = this.string(v, 'targetDirectoryName', path, 'the name of a directory in "directories"');
    const objectMappings = this.array(v, 'objectMappings', path, 'object mappings').flatMap((om, i) => {
      const m = this.objectMapping(om, [...path, 'objectMappings', i]);
      return m ? [m] : [];
    });
    return {
      id: this.optionalString(v, 'id', path),
      name: this.optionalString(v, 'name', path),
      sourceDirectoryName: source ?? '',
      targetDirectoryName: target ?? '',
      priority: this.int(v, 'priority', path, 0),
      editable: this.bool(v, 'editable', path, true),
      objectMappings,
      path,
    };
  }

  objectMapping(v: unknown, path: JsonPath): ObjectMappingDefinition | undefined {
    if (!isObject(v)) { this.error(path, `Expected an object mapping {sourceObjectName, targetObjectName, attributeMappings}, found ${describe(v)}.`); return undefined; }
    const flowTypes = new Set<'Add' | 'Update' | 'Delete'>();
    const ft = v.flowTypes;
    if (ft === undefined || ft === null) OBJECT_FLOWS.forEach((f) => flowTypes.add(f));
    else if (typeof ft !== 'string') this.error([...path, 'flowTypes'], `Expected "flowTypes" to be a string such as "Add, Update, Delete", found ${describe(ft)}.`);
    else {
      for (const part of ft.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        const f = OBJECT_FLOWS.find((x) => x.toLowerCase() === part.toLowerCase());
        if (f) flowTypes.add(f);
        else this.error([...path, 'flowTypes'], `"${part}" is not a flow type: "flowTypes" lists Add, Update and Delete, separated by commas.`);
      }
    }
    const enabled = this.bool(v, 'enabled', path, true);
    // Disabled placeholder mappings in real downloads have empty object names.
    const objectName = (key: string, what: string): string => {
      const x = v[key];
      if (typeof x === 'string' && (x !== '' || !enabled)) return x;
      this.error([...path, key], `Expected "${key}" to be ${what}${x === undefined ? ', but it is missing' : `, found ${describe(x)}`}.`);
      return '';
    };
    const sourceObjectName = objectName('sourceObjectName', 'an object of the source directory, e.g. "User"');
    const targetObjectName = objectName('targetObjectName', 'an object of the target directory');
    const attributeMappings = this.array(v, 'attributeMappings', path, 'attribute mappings').flatMap((am, i) => {
      const m = this.attributeMapping(am, [...path, 'attributeMappings', i]);
      return m ? [m] : [];
    });
    return {
      name: this.optionalString(v, 'name', path),
      enabled,
      flowTypes,
      sourceObjectName,
      targetObjectName,
      attributeMappings,
      scope: this.scope(v.scope, [...path, 'scope']),
      path,
    };
  }

  attributeMapping(v: unknown, path: JsonPath): AttributeMappingDefinition | undefined {
    if (!isObject(v)) { this.error(path, `Expected an attribute mapping {targetAttributeName, source, …}, found ${describe(v)}.`); return undefined; }
    const target = this.string(v, 'targetAttributeName', path, 'the app attribute this mapping writes');
    const flowType = v.flowType ?? 'Always';
    if (!FLOW_TYPES.includes(flowType as FlowType)) this.error([...path, 'flowType'], `Expected "flowType" to be one of ${FLOW_TYPES.join(', ')} ("Always" applies the mapping on create and update, "ObjectAddOnly" only on create), found ${describe(flowType)}.`);
    const flowBehavior = v.flowBehavior ?? 'FlowWhenChanged';
    if (flowBehavior !== 'FlowWhenChanged' && flowBehavior !== 'FlowAlways') this.error([...path, 'flowBehavior'], `Expected "flowBehavior" to be FlowWhenChanged or FlowAlways, found ${describe(flowBehavior)}.`);
    const matchingPriority = this.int(v, 'matchingPriority', path, 0);
    if (matchingPriority < 0) this.error([...path, 'matchingPriority'], `Expected "matchingPriority" to be 0 (not matching) or a positive precedence, found ${matchingPriority}.`);
    const defaultValue = this.optionalString(v, 'defaultValue', path);
    const source = v.source === undefined || v.source === null ? null : this.source(v.source, [...path, 'source']);
    if (target === undefined) return undefined;
    const type = mappingType(source);
    return {
      targetAttributeName: target,
      type,
      source,
      defaultValue,
      matchingPriority: Math.max(0, matchingPriority),
      flowType: FLOW_TYPES.includes(flowType as FlowType) ? (flowType as FlowType) : 'Always',
      flowBehavior: flowBehavior === 'FlowAlways' ? 'FlowAlways' : 'FlowWhenChanged',
      path,
    };
  }

  source(v: unknown, path: JsonPath): MappingSource | null {
    if (!isObject(v)) { this.error(path, `Expected "source" to be null (mapping type None) or an attributeMappingSource {type, name, expression, parameters}, found ${describe(v)}.`); return null; }
    const fromTree = mappingSourceToText(v);
    let text: string;
    let textPath: JsonPath;
    if (typeof v.expression === 'string' && v.expression.trim() !== '') {
      text = v.expression;
      textPath = [...path, 'expression'];
    } else if (fromTree.ok) {
      text = fromTree.value;
      textPath = path;
    } else {
      this.error([...path, ...fromTree.error.path], `${fromTree.error.message}`);
      return null;
    }
    const parsed = parseExpression(text);
    if (!parsed.ok) {
      if (textPath === path) this.problems.push({ code: 'SCIM091', path, message: `${parsed.error.message} (in the expression the stored tree stands for: ${text})`, severity: 'error' });
      else this.error(textPath, parsed.error.message, parsed.error);
      return { text, textPath, tree: v };
    }
    if (textPath !== path && Array.isArray(v.parameters) && v.parameters.length > 0) {
      // Both forms are present: they must say the same thing.
      const mine = toMappingSource(parsed.expr);
      const theirs = fromTree.ok ? parseExpression(fromTree.value) : undefined;
      const theirTree = theirs?.ok ? toMappingSource(theirs.expr) : undefined;
      if (!fromTree.ok) {
        this.warn([...path, ...fromTree.error.path], `${fromTree.error.message} The expression text is used.`);
      } else if (mine.ok && theirTree?.ok && JSON.stringify(mine.value) !== JSON.stringify(theirTree.value)) {
        this.warn([...path, 'parameters'], `The stored parameters say ${fromTree.value}, which differs from the expression; the expression text is used.`);
      }
    }
    return { text, textPath, expr: parsed.expr, tree: v };
  }

  scope(v: unknown, path: JsonPath): Scope | null {
    if (v === undefined || v === null) return null;
    if (!isObject(v)) { this.error(path, `Expected "scope" to be null or a filter {groups, inputFilterGroups, categoryFilterGroups}, found ${describe(v)}.`); return null; }
    const groups = (key: string): FilterGroup[] => this.array(v, key, path, 'filter groups', true).flatMap((g, i): FilterGroup[] => {
      const at = [...path, key, i];
      if (!isObject(g)) { this.error(at, `Expected a filter group {name, clauses}, found ${describe(g)}.`); return []; }
      const clauses = this.array(g, 'clauses', at, 'clauses').flatMap((c, j): FilterClause[] => {
        const cat = [...at, 'clauses', j];
        if (!isObject(c)) { this.error(cat, `Expected a clause {sourceOperandName, operatorName, targetOperand}, found ${describe(c)}.`); return []; }
        const op = this.string(c, 'operatorName', cat, 'a scoping operator such as "EQUALS" or "IS NOT NULL"');
        const attr = this.string(c, 'sourceOperandName', cat, 'the source attribute the clause tests');
        const t = c.targetOperand;
        let targetOperand: FilterClause['targetOperand'] = null;
        if (isObject(t)) {
          const values = this.array(t, 'values', [...cat, 'targetOperand'], 'strings', true);
          const strings: string[] = [];
          values.forEach((x, k) => {
            if (typeof x === 'string') strings.push(x);
            else this.error([...cat, 'targetOperand', 'values', k], `Expected a string, found ${describe(x)}.`);
          });
          targetOperand = { values: strings };
        } else if (t !== undefined && t !== null) {
          this.error([...cat, 'targetOperand'], `Expected "targetOperand" to be {"values": [...]} or null, found ${describe(t)}.`);
        }
        return op === undefined || attr === undefined ? [] : [{ operatorName: op, sourceOperandName: attr, targetOperand }];
      });
      return [{ name: typeof g.name === 'string' ? g.name : '', clauses }];
    });
    return { groups: groups('groups'), inputFilterGroups: groups('inputFilterGroups'), categoryFilterGroups: groups('categoryFilterGroups') };
  }
}

function mappingType(source: MappingSource | null): MappingType {
  if (source === null) return 'None';
  const kind = source.expr?.kind;
  if (kind === 'attribute') return 'Direct';
  if (kind === 'string' || kind === 'number' || kind === 'keyword') return 'Constant';
  if (kind !== undefined) return 'Expression';
  const t = isObject(source.tree) ? source.tree.type : undefined;
  return t === 'Function' ? 'Expression' : t === 'Constant' ? 'Constant' : 'Direct';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `the string "${v.slice(0, 40)}…"` : `the string "${v}"`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Reads a synchronizationSchema JSON value (already parsed). Never throws. */
export function loadConfiguration(value: unknown): LoadedConfiguration {
  const l = new Loader();
  if (!isObject(value)) {
    l.error([], `Expected a synchronizationSchema object {directories, synchronizationRules, version}, found ${describe(value)}.`);
    return { problems: l.problems };
  }
  if (!Array.isArray(value.synchronizationRules)) {
    l.error(['synchronizationRules'], `Expected "synchronizationRules" to be an array: this file is not an Entra provisioning schema (synchronizationSchema)${value.synchronizationRules === undefined ? '' : `; found ${describe(value.synchronizationRules)}`}.`);
    return { problems: l.problems };
  }
  const directories = l.array(value, 'directories', [], 'directory definitions', true).flatMap((d, i) => {
    const def = l.directory(d, ['directories', i]);
    return def ? [def] : [];
  });
  const rules = value.synchronizationRules.flatMap((r, i) => {
    const def = l.rule(r, ['synchronizationRules', i]);
    return def ? [def] : [];
  });
  const names = new Set(directories.map((d) => d.name));
  if (directories.length > 0) {
    for (const r of rules) {
      for (const key of ['sourceDirectoryName', 'targetDirectoryName'] as const) {
        if (r[key] !== '' && !names.has(r[key])) {
          l.error([...r.path, key], `"${r[key]}" is not a directory of this file; "directories" names ${[...names].map((n) => `"${n}"`).join(', ')}.`);
        }
      }
    }
  }
  return {
    config: {
      id: typeof value.id === 'string' ? value.id : null,
      version: typeof value.version === 'string' ? value.version : null,
      directories,
      rules,
    },
    problems: l.problems,
  };
}

/** Parses the file's text (JSON) and loads it; a syntax error is a problem at its JSON position. */
export function loadConfigurationText(text: string): LoadedConfiguration & { readonly syntaxError?: { readonly offset: number; readonly message: string } } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const m = /position (\d+)/.exec(message);
    const offset = m ? Number(m[1]) : 0;
    return { problems: [{ code: 'SCIM090', path: [], message: `The file is not valid JSON: ${message}`, severity: 'error' }], syntaxError: { offset, message } };
  }
  return loadConfiguration(value);
}

/** The definition of an object in a directory of the configuration. */
export function findObject(config: ProvisioningConfiguration, directoryName: string, objectName: string): ObjectDefinition | undefined {
  return config.directories.find((d) => d.name === directoryName)?.objects.find((o) => o.name === objectName);
}
