// What is wrong in a provisioning configuration beyond its shape: expressions that call unknown functions or
// read attributes the source directory does not have, targets the app does not have, matching attributes
// MURAL cannot filter on, scoping clauses Entra would reject. Each problem has a JSON path and, inside an
// expression, the offset in the string; codes are documented in docs/diagnostics.md.
import { MURAL_MAPPING, findEntry } from '../scim/mapping';
import { filterableTargets } from '../scim/muralQuery';
import type { ResourceTypeName } from '../scim/schemas';
import { findObject, type ConfigProblem, type ConfigProblemCode, type JsonPath, type LoadedConfiguration, type ObjectDefinition } from './config';
import { arityMessage } from './evaluate';
import { closest, findFunction, FUNCTIONS, KEYWORDS } from './functions';
import { TARGET_OBJECTS } from './muralDefault';
import type { Arg, CallExpr, Expr } from './parser';
import { compileRegex, RegexError } from './regex';
import { findOperator, OPERATORS } from './scoping';

/** A problem inside one expression, relative to its text. */
export interface ExpressionProblem {
  readonly code: ConfigProblemCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly offset: number;
  readonly length: number;
  /** A certain fix: replace [offset, offset + length) with this text. */
  readonly replacement?: string;
}

export interface CheckContext {
  /** The source object's attributes (from the file's directories); unknown attributes are reported when given. */
  readonly sourceAttributes?: readonly string[];
  /** Where the expression sits: SelectUniqueValue is only allowed at the top. */
  readonly topLevel?: boolean;
}

const didYouMean = (names: string[]) => (names.length === 0 ? '' : ` Did you mean ${names.join(' or ')}?`);

/** Static checks of a parsed expression (the evaluator reports the same problems, one at a time, at run time). */
export function checkExpression(expr: Expr, ctx: CheckContext = {}): ExpressionProblem[] {
  const out: ExpressionProblem[] = [];
  const known = ctx.sourceAttributes ? new Set(ctx.sourceAttributes) : undefined;
  const walk = (e: Arg, depth: number): void => {
    switch (e.kind) {
      case 'attribute':
        if (known && !known.has(e.name)) {
          const near = closest(e.name, known);
          const exact = near.find((n) => n.toLowerCase() === e.name.toLowerCase());
          out.push({
            code: 'SCIM093', severity: 'error', offset: e.start + 1, length: e.name.length,
            message: `[${e.name}] is not an attribute of the source object in this file's directories.${exact ? ` Attribute names are case-sensitive: [${exact}].` : didYouMean(near.map((n) => `[${n}]`))}`,
            ...(exact ? { replacement: exact } : {}),
          });
        }
        return;
      case 'keyword':
        if (!e.name.startsWith('%') && !KEYWORDS.has(e.name)) {
          out.push({ code: 'SCIM092', severity: 'error', offset: e.start, length: e.end - e.start, message: `Unknown keyword ${e.name}: a bare word is one of ${[...KEYWORDS.keys()].join(', ')}; write text as "${e.name}".`, replacement: JSON.stringify(e.name) });
        }
        return;
      case 'compare':
        walk(e.left, depth + 1);
        walk(e.right, depth + 1);
        return;
      case 'call':
        call(e, depth);
        return;
      default:
        return;
    }
  };
  const call = (e: CallExpr, depth: number): void => {
    const spec = findFunction(e.name);
    const nameRange = { offset: e.start, length: e.nameEnd - e.start };
    if (!spec) {
      const near = closest(e.name, FUNCTION_NAMES);
      out.push({ code: 'SCIM092', severity: 'error', ...nameRange, message: `Unknown function ${e.name}.${didYouMean(near)}`, ...(near.length === 1 ? { replacement: near[0] } : {}) });
    } else {
      if (spec.name !== e.name) {
        out.push({ code: 'SCIM098', severity: 'warning', ...nameRange, message: `Entra documents this function as ${spec.name}; the syntax is case-sensitive, so write it that way.`, replacement: spec.name });
      }
      const n = e.args.length;
      if (n < spec.min || n > spec.max) out.push({ code: 'SCIM092', severity: 'error', ...nameRange, message: arityMessage(spec, n) });
      else if (spec.name === 'Switch' && n % 2 !== 0) out.push({ code: 'SCIM092', severity: 'error', ...nameRange, message: `Switch takes its source, a default value and key/value pairs — an even number of arguments — but is given ${n}.` });
      if (spec.name === 'SelectUniqueValue' && !(ctx.topLevel && depth === 0)) {
        out.push({ code: 'SCIM092', severity: 'error', ...nameRange, message: 'SelectUniqueValue must be the whole expression, not nested inside another function.' });
      }
      if (spec.name === 'Replace') {
        const pattern = e.args[2];
        if (pattern?.kind === 'string') {
          try {
            compileRegex(pattern.value);
          } catch (err) {
            if (!(err instanceof RegexError)) throw err;
            out.push({ code: 'SCIM097', severity: 'error', offset: pattern.start, length: pattern.end - pattern.start, message: `Replace's regular expression: ${err.message}.` });
          }
        }
      }
    }
    for (const a of e.args) walk(a, depth + 1);
  };
  walk(expr, 0);
  return out;
}

const FUNCTION_NAMES = FUNCTIONS.map((f) => f.name);

/** The MURAL resource an object mapping writes, when it targets one of MURAL's SCIM objects. */
function muralResource(targetObjectName: string): ResourceTypeName | undefined {
  for (const rt of ['User', 'Group'] as const) if (TARGET_OBJECTS[rt] === targetObjectName) return rt;
  return undefined;
}

/** Checks a loaded configuration; returns the loader's problems followed by these. */
export function lintConfiguration(loaded: LoadedConfiguration): ConfigProblem[] {
  const problems: ConfigProblem[] = [...loaded.problems];
  const config = loaded.config;
  if (!config) return problems;
  const push = (code: ConfigProblemCode, severity: 'error' | 'warning', path: JsonPath, message: string, inExpression?: { offset: number; length: number }, replacement?: string) =>
    problems.push({ code, severity, path, message, ...(inExpression ? { inExpression } : {}), ...(replacement !== undefined ? { replacement } : {}) });
  for (const rule of config.rules) {
    for (const om of rule.objectMappings) {
      if (!om.enabled) continue;
      const sourceObject: ObjectDefinition | undefined = findObject(config, rule.sourceDirectoryName, om.sourceObjectName);
      const targetObject: ObjectDefinition | undefined = findObject(config, rule.targetDirectoryName, om.targetObjectName);
      const sourceAttributes = sourceObject?.attributes.map((a) => a.name);
      const targets = targetObject ? new Set(targetObject.attributes.map((a) => a.name)) : undefined;
      const mural = muralResource(om.targetObjectName);
      const priorities = new Map<number, string>();
      for (const m of om.attributeMappings) {
        if (targets && !targets.has(m.targetAttributeName)) {
          const near = closest(m.targetAttributeName, targets);
          push('SCIM094', 'error', [...m.path, 'targetAttributeName'], `${om.targetObjectName} in "${rule.targetDirectoryName}" has no attribute ${m.targetAttributeName}.${didYouMean(near)}`);
        }
        if (m.matchingPriority > 0) {
          const other = priorities.get(m.matchingPriority);
          if (other) push('SCIM095', 'warning', [...m.path, 'matchingPriority'], `${other} has matching precedence ${m.matchingPriority} too; give each matching attribute its own precedence (Entra tries the lowest first).`);
          priorities.set(m.matchingPriority, m.targetAttributeName);
          const entry = mural ? findEntry(MURAL_MAPPING, mural, m.targetAttributeName) : undefined;
          if (mural && entry && !entry.filterable) {
            push('SCIM095', 'error', [...m.path, 'matchingPriority'], `MURAL cannot filter ${mural}s on ${m.targetAttributeName}, so Entra's matching ` +
              `query would fail (400 invalidFilter): Entra will fail to match every ${mural === 'User' ? 'user' : 'group'} and retry each cycle; ` +
              `match on ${filterableTargets(MURAL_MAPPING, mural).join(' or ')} instead.`);
          }
          if (m.source?.expr?.kind === 'call' && findFunction(m.source.expr.name)?.name === 'SelectUniqueValue') {
            push('SCIM092', 'error', [...m.path, 'matchingPriority'], 'SelectUniqueValue cannot feed a matching attribute.');
          }
        }
        if (m.source?.expr) {
          const exprProblems = checkExpression(m.source.expr, { sourceAttributes, topLevel: true });
          for (const p of exprProblems) {
            const inString = m.source.textPath[m.source.textPath.length - 1] === 'expression';
            push(p.code, p.severity, m.source.textPath, inString ? p.message : `${p.message} (in the expression the stored tree stands for: ${m.source.text})`, inString ? { offset: p.offset, length: p.length } : undefined, inString ? p.replacement : undefined);
          }
        }
      }
      const scope = om.scope;
      if (!scope) continue;
      for (const key of ['groups', 'inputFilterGroups', 'categoryFilterGroups'] as const) {
        scope[key].forEach((g, gi) => g.clauses.forEach((c, ci) => {
          const at = [...om.path, 'scope', key, gi, 'clauses', ci];
          const op = findOperator(c.operatorName);
          if (!op) {
            const near = closest(c.operatorName, OPERATORS.map((o) => o.name));
            push('SCIM096', 'error', [...at, 'operatorName'], `"${c.operatorName}" is not a scoping operator; Entra's are ${OPERATORS.map((o) => o.name).join(', ')}.${didYouMean(near)}`);
            return;
          }
          if (op.name !== c.operatorName) push('SCIM098', 'warning', [...at, 'operatorName'], `Entra spells this operator "${op.name}".`, undefined, op.name);
          if (sourceAttributes && !sourceAttributes.includes(c.sourceOperandName)) {
            push('SCIM093', 'error', [...at, 'sourceOperandName'], `"${c.sourceOperandName}" is not an attribute of ${om.sourceObjectName} in "${rule.sourceDirectoryName}".${didYouMean(closest(c.sourceOperandName, sourceAttributes))}`);
          }
          const attr = sourceObject?.attributes.find((a) => a.name === c.sourceOperandName);
          if (attr?.multivalued) push('SCIM096', 'error', [...at, 'sourceOperandName'], `${c.sourceOperandName} is multi-valued; scoping filters cannot test multi-valued attributes, so this clause is always false.`);
          const values = c.targetOperand?.values ?? [];
          if (op.unary) {
            if (values.length > 0) push('SCIM096', 'warning', [...at, 'targetOperand'], `${op.name} takes no value; the value is ignored.`);
            return;
          }
          if (values.length === 0 || values.every((v) => v === '')) {
            push('SCIM096', 'error', [...at, c.targetOperand ? 'targetOperand' : 'operatorName'], `${op.name} needs a value to compare ${c.sourceOperandName} with (targetOperand.values).`);
            return;
          }
          values.forEach((v, vi) => {
            const vat = [...at, 'targetOperand', 'values', vi];
            if ((op.name === 'Greater_Than' || op.name === 'Greater_Than_OR_EQUALS') && !/^-?\d+$/.test(v.trim())) {
              push('SCIM096', 'error', vat, `${op.name} compares integers only; "${v}" is not one, so the clause is always false.`);
            }
            if (op.name === 'REGEX MATCH' || op.name === 'NOT REGEX MATCH') {
              try {
                compileRegex(v);
              } catch (err) {
                if (!(err instanceof RegexError)) throw err;
                push('SCIM097', 'error', vat, `The regular expression ${err.message}.`);
              }
            }
          });
        }));
      }
    }
  }
  return problems;
}
