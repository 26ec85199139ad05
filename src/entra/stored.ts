// Graph's stored form of an expression — the `attributeMappingSource` tree of a synchronizationSchema
// (learn.microsoft.com/graph/api/resources/synchronization-attributemappingsource) — to and from the text.
// Rules (docs/entra-expressions.md has the details and what is inferred):
//   [mail]        → {type:"Attribute", name:"mail", expression:"[mail]"}
//   "x", 8, -10   → {type:"Constant", name:"x" / "8" / "-10", expression:"\"x\"" / "\"8\"" / "\"-10\""}
//   &HF, vbTextCompare, %DomainFQDN% → {type:"Constant", name and expression the bare text}
//   F(a, , b)     → {type:"Function", name:"F", parameters:[{key, value}…]}: keys are the function's parameter
//                   names (Graph's function list), omitted arguments are dropped, repeating parameters repeat
//                   their key, IIF uses one (condition or its left side), two (operator), three (right side),
//                   four (true value), five (false value).
import { findFunction, type FunctionSpec } from './functions';
import type { Arg, CompareOp, Expr } from './parser';
import { counted } from '../scim/text';

export interface AttributeMappingSource {
  readonly expression: string;
  readonly name: string;
  readonly parameters: readonly { readonly key: string; readonly value: AttributeMappingSource }[];
  readonly type: 'Attribute' | 'Constant' | 'Function';
}

/** A problem converting a tree, with the JSON path (relative to the tree's root) of the offending node. */
export interface StoredFormError {
  readonly message: string;
  readonly path: readonly (string | number)[];
}

export type Converted<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: StoredFormError };

const OPS: readonly CompareOp[] = ['=', '<>', '>=', '<=', '>', '<'];
/** Deepest tree read from a file, as for text (parser.ts MAX_EXPRESSION_DEPTH). */
const MAX_TREE_DEPTH = 200;

export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

class Fail extends Error {
  constructor(readonly error: StoredFormError) {
    super(error.message);
  }
}

const constant = (name: string, expression = quote(name)): AttributeMappingSource => ({ expression, name, parameters: [], type: 'Constant' });

/** Canonical text of an expression: ", " between arguments, omitted ones left blank, integer parameters bare. */
export function formatExpression(e: Arg, integer = false): string {
  switch (e.kind) {
    case 'empty': return '';
    case 'attribute': return `[${e.name}]`;
    case 'string': return integer && /^-?\d+$/.test(e.value) ? e.value : quote(e.value);
    case 'number': return e.text.startsWith('&') ? e.text : integer ? e.value : quote(e.value);
    case 'keyword': return e.name;
    case 'compare': return `${formatExpression(e.left)}${e.op}${formatExpression(e.right)}`;
    case 'call': {
      const spec = findFunction(e.name);
      const args = e.args.map((a, i) => formatExpression(a, paramAt(spec, i)?.integer ?? false));
      return `${e.name}(${args.join(', ')})`;
    }
  }
}

function paramAt(spec: FunctionSpec | undefined, i: number) {
  if (!spec) return undefined;
  if (i < spec.params.length) return spec.params[i];
  const last = spec.params[spec.params.length - 1];
  return last?.repeats ? last : undefined;
}

function toTree(e: Expr, path: (string | number)[]): AttributeMappingSource {
  switch (e.kind) {
    case 'attribute': return { expression: `[${e.name}]`, name: e.name, parameters: [], type: 'Attribute' };
    case 'string': return constant(e.value);
    case 'number': return e.text.startsWith('&') ? constant(e.text, e.text) : constant(e.value);
    case 'keyword': return constant(e.name, e.name);
    case 'compare':
      throw new Fail({ message: `Graph stores a comparison only as IIF's condition; ${formatExpression(e)} has no stored form elsewhere.`, path });
    case 'call': {
      const spec = findFunction(e.name);
      if (!spec) throw new Fail({ message: `Unknown function ${e.name}: its parameter names, which Graph stores, are not known.`, path });
      if (e.args.length > spec.max) throw new Fail({ message: `${spec.name} takes at most ${counted(spec.max, 'argument')}; ${e.args.length} are given.`, path });
      const parameters: { key: string; value: AttributeMappingSource }[] = [];
      const push = (key: string, a: Expr) => parameters.push({ key, value: toTree(a, [...path, 'parameters', parameters.length, 'value']) });
      e.args.forEach((a, i) => {
        if (a.kind === 'empty') return;
        if (spec.name === 'IIF') {
          if (i === 0 && a.kind === 'compare') {
            push('one', a.left);
            parameters.push({ key: 'two', value: constant(a.op) });
            push('three', a.right);
          } else {
            push(['one', 'four', 'five'][i], a);
          }
          return;
        }
        push(paramAt(spec, i)!.key, a);
      });
      return { expression: formatExpression(e), name: e.name, parameters, type: 'Function' };
    }
  }
}

/** The stored tree of a parsed expression; `text` (the expression as written) becomes the root's `expression`. */
export function toMappingSource(e: Expr, text?: string): Converted<AttributeMappingSource> {
  try {
    const tree = toTree(e, []);
    return { ok: true, value: text === undefined ? tree : { ...tree, expression: text } };
  } catch (err) {
    if (err instanceof Fail) return { ok: false, error: err.error };
    throw err;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function treeText(v: unknown, path: (string | number)[], integer: boolean, depth: number): string {
  if (depth > MAX_TREE_DEPTH) throw new Fail({ message: `The expression tree nests more than ${MAX_TREE_DEPTH} deep.`, path });
  if (!isObject(v)) throw new Fail({ message: 'Expected an attributeMappingSource object {type, name, expression, parameters}.', path });
  const type = v.type ?? 'Attribute';
  const name = v.name;
  if (typeof name !== 'string') throw new Fail({ message: '"name" must be a string: the attribute, the constant\'s value or the function.', path: [...path, 'name'] });
  switch (type) {
    case 'Attribute':
      if (name === '' || name.includes(']')) throw new Fail({ message: `"${name}" is not an attribute name that can be written in [brackets].`, path: [...path, 'name'] });
      return `[${name}]`;
    case 'Constant': {
      const ex = v.expression;
      // Bare constants (keywords, VB hex, cloud-sync placeholders) keep their unquoted expression.
      if (typeof ex === 'string' && ex !== '' && !ex.startsWith('"') && ex === name && /^(&H[0-9A-Fa-f]+|%\w+%|[A-Za-z_]\w*)$/.test(name)) return name;
      return integer && /^-?\d+$/.test(name) ? name : quote(name);
    }
    case 'Function': {
      const spec = findFunction(name);
      if (!spec) throw new Fail({ message: `Unknown function ${name}.`, path: [...path, 'name'] });
      const params = v.parameters ?? [];
      if (!Array.isArray(params)) throw new Fail({ message: '"parameters" must be an array of {key, value}.', path: [...path, 'parameters'] });
      const slots: string[] = [];
      const keys = spec.name === 'IIF' ? ['one', 'two', 'three', 'four', 'five'] : spec.params.map((p) => p.key);
      const seen = new Set<string>();
      params.forEach((pair: unknown, i) => {
        const at = [...path, 'parameters', i];
        if (!isObject(pair) || typeof pair.key !== 'string') throw new Fail({ message: 'Each parameter must be {key, value}.', path: at });
        const k = keys.findIndex((x) => x.toLowerCase() === (pair.key as string).toLowerCase());
        if (k === -1) throw new Fail({ message: `"${pair.key}" is not a parameter of ${spec.name}; its keys are ${keys.join(', ')}.`, path: [...at, 'key'] });
        const repeats = spec.name !== 'IIF' && spec.params[k].repeats;
        if (seen.has(keys[k]) && !repeats) throw new Fail({ message: `${spec.name} has "${keys[k]}" twice; only a repeating parameter may repeat.`, path: [...at, 'key'] });
        seen.add(keys[k]);
        const text = spec.name === 'IIF' && k === 1
          ? operator(pair.value, [...at, 'value'])
          : treeText(pair.value, [...at, 'value'], spec.name !== 'IIF' && (spec.params[k].integer ?? false), depth + 1);
        if (repeats) {
          if (slots.length < k) slots.length = k;
          slots.push(text);
        } else {
          slots[k] = text;
        }
      });
      if (spec.name === 'IIF') {
        if ((slots[1] === undefined) !== (slots[2] === undefined)) throw new Fail({ message: 'IIF\'s "two" (operator) and "three" (right side) come together.', path: [...path, 'parameters'] });
        const cond = (slots[0] ?? '') + (slots[1] ?? '') + (slots[2] ?? '');
        return `IIF(${[cond, slots[3] ?? '', slots[4] ?? ''].join(', ')})`;
      }
      let count = slots.length;
      if (spec.allPositions) count = Math.max(count, spec.params.length);
      const args = Array.from({ length: count }, (_, i) => slots[i] ?? '');
      return `${spec.name}(${args.join(', ')})`;
    }
    default:
      throw new Fail({ message: `"type" must be Attribute, Constant or Function; got ${JSON.stringify(type)}.`, path: [...path, 'type'] });
  }
}

function operator(v: unknown, path: (string | number)[]): string {
  if (!isObject(v) || v.type !== 'Constant' || !OPS.includes(v.name as CompareOp)) {
    throw new Fail({ message: `IIF's "two" is the comparison operator, a Constant among ${OPS.join(' ')}.`, path });
  }
  return v.name as string;
}

/** The canonical expression text of a stored tree (parse it to evaluate). */
export function mappingSourceToText(tree: unknown): Converted<string> {
  try {
    return { ok: true, value: treeText(tree, [], false, 0) };
  } catch (err) {
    if (err instanceof Fail) return { ok: false, error: err.error };
    throw err;
  }
}
