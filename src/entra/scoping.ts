// Entra's scoping filters (objectMapping.scope): OR of filter groups, AND of the clauses in a group, with
// the operators of learn.microsoft.com/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
// as real schema files spell them ("IS NOT NULL", "REGEX MATCH", "Greater_Than", "&"). Every binary clause is
// false on a null or empty attribute (NOT EQUALS and NOT REGEX MATCH too); comparisons are case-sensitive;
// IS TRUE / IS FALSE read "True"/"False" in any case. Decisions where the docs are silent are in
// docs/entra-expressions.md.
import { toValue, type SourceObject } from './evaluate';
import { allMatches, compileRegex, RegexError } from './regex';

export interface FilterClause {
  readonly operatorName: string;
  readonly sourceOperandName: string;
  readonly targetOperand: { readonly values: readonly string[] } | null;
}

export interface FilterGroup {
  readonly name: string;
  readonly clauses: readonly FilterClause[];
}

export interface Scope {
  readonly groups: readonly FilterGroup[];
  readonly inputFilterGroups: readonly FilterGroup[];
  readonly categoryFilterGroups: readonly FilterGroup[];
}

export interface OperatorSpec {
  /** The documented spelling. */
  readonly name: string;
  readonly unary: boolean;
  readonly doc: string;
}

export const OPERATORS: readonly OperatorSpec[] = [
  { name: 'EQUALS', unary: false, doc: 'The attribute equals the value exactly (case-sensitive).' },
  { name: 'NOT EQUALS', unary: false, doc: 'The attribute differs from the value (case-sensitive); false when the attribute is empty.' },
  { name: 'IS TRUE', unary: true, doc: 'The attribute holds boolean true.' },
  { name: 'IS FALSE', unary: true, doc: 'The attribute holds boolean false.' },
  { name: 'IS NULL', unary: true, doc: 'The attribute is absent or empty.' },
  { name: 'IS NOT NULL', unary: true, doc: 'The attribute has a value.' },
  { name: 'REGEX MATCH', unary: false, doc: 'The attribute matches the .NET regular expression somewhere (not anchored; case-sensitive).' },
  { name: 'NOT REGEX MATCH', unary: false, doc: 'The attribute does not match the regular expression; false when the attribute is empty.' },
  { name: 'Greater_Than', unary: false, doc: 'The attribute is greater than the value; both must be integers.' },
  { name: 'Greater_Than_OR_EQUALS', unary: false, doc: 'The attribute is greater than or equal to the value; both must be integers.' },
  { name: 'Includes', unary: false, doc: 'The attribute contains the value (case-sensitive).' },
  { name: 'ENDS_WITH', unary: false, doc: 'The attribute ends with the value (case-sensitive).' },
  { name: '&', unary: false, doc: 'Integers: the attribute and the value share a set bit (bit-mask test, as cloud-sync files use it). Text: the attribute occurs in the value.' },
  { name: '!&', unary: false, doc: 'The opposite of &: integers share no set bit; text does not occur in the value.' },
];

const key = (name: string) => name.trim().toUpperCase().replace(/[\s_]+/g, ' ');
const byKey = new Map(OPERATORS.map((o) => [key(o.name), o]));

/** The operator spelled `name` (case, spaces and underscores aside), or undefined. */
export function findOperator(name: string): OperatorSpec | undefined {
  return byKey.get(key(name));
}

export interface ClauseResult {
  readonly clause: FilterClause;
  readonly passed: boolean;
  /** Why, in words: `department "Sales" EQUALS "sales": false (case-sensitive)`. */
  readonly reason: string;
}

export interface GroupResult {
  readonly name: string;
  readonly passed: boolean;
  readonly clauses: readonly ClauseResult[];
}

export interface ScopeResult {
  readonly inScope: boolean;
  readonly groups: readonly GroupResult[];
  readonly inputFilterGroups: readonly GroupResult[];
}

export interface ScopeOptions {
  readonly regexTimeoutMs?: number;
}

const INTEGER = /^-?\d+$/;
const show = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

export function evaluateClause(clause: FilterClause, source: SourceObject, options: ScopeOptions = {}): ClauseResult {
  const op = findOperator(clause.operatorName);
  const name = clause.sourceOperandName;
  const result = (passed: boolean, why: string): ClauseResult => ({ clause, passed, reason: `${name} ${why}: ${passed}` });
  if (!op) return result(false, `uses the unknown operator ${JSON.stringify(clause.operatorName)}`);
  const raw = Object.prototype.hasOwnProperty.call(source, name) ? toValue(source[name]) : null;
  if (raw !== null && typeof raw !== 'string') return result(false, `is multi-valued; scoping filters cannot test multi-valued attributes`);
  const v = raw === null || raw === '' ? null : raw;
  if (op.unary) {
    switch (op.name) {
      case 'IS NULL': return result(v === null, `${show(v)} IS NULL`);
      case 'IS NOT NULL': return result(v !== null, `${show(v)} IS NOT NULL`);
      case 'IS TRUE': return result(v !== null && /^true$/i.test(v.trim()), `${show(v)} IS TRUE`);
      default: return result(v !== null && /^false$/i.test(v.trim()), `${show(v)} IS FALSE`);
    }
  }
  const values = clause.targetOperand?.values ?? [];
  if (values.length === 0) return result(false, `${op.name} has no value to compare with`);
  if (v === null) return result(false, `is ${show(raw)}; ${op.name} is false on an empty attribute`);
  const negative = op.name === 'NOT EQUALS' || op.name === 'NOT REGEX MATCH' || op.name === '!&';
  const test = (x: string): boolean | string => {
    switch (op.name) {
      case 'EQUALS': case 'NOT EQUALS': return v === x;
      case 'Includes': return v.includes(x);
      case 'ENDS_WITH': return v.endsWith(x);
      case 'Greater_Than': case 'Greater_Than_OR_EQUALS': {
        if (!INTEGER.test(v.trim()) || !INTEGER.test(x.trim())) return `${op.name} compares integers only (${show(v)}, ${show(x)})`;
        const d = BigInt(v.trim()) - BigInt(x.trim());
        return op.name === 'Greater_Than' ? d > 0n : d >= 0n;
      }
      case '&': case '!&':
        if (INTEGER.test(v.trim()) && INTEGER.test(x.trim())) return (BigInt(v.trim()) & BigInt(x.trim())) !== 0n;
        return x.includes(v);
      default:
        try {
          return allMatches(compileRegex(x), v, options.regexTimeoutMs ?? 100).length > 0;
        } catch (err) {
          if (err instanceof RegexError) return `regular expression ${JSON.stringify(x)}: ${err.message}`;
          throw err;
        }
    }
  };
  let any = false;
  for (const x of values) {
    const t = test(x);
    if (typeof t === 'string') return result(false, t);
    if (t) { any = true; break; }
  }
  const target = values.length === 1 ? show(values[0]) : `any of ${values.map(show).join(', ')}`;
  return result(negative ? !any : any, `${show(v)} ${op.name} ${target}`);
}

function evaluateGroups(groups: readonly FilterGroup[], source: SourceObject, options: ScopeOptions): GroupResult[] {
  return groups.map((g) => {
    const clauses = g.clauses.map((c) => evaluateClause(c, source, options));
    return { name: g.name, passed: clauses.every((c) => c.passed), clauses };
  });
}

/**
 * Is the source object in scope? `groups` (the scoping filters of the portal) and the experimental
 * `inputFilterGroups` must each have a passing group when they have any; categoryFilterGroups are not used.
 */
export function evaluateScope(scope: Scope | null | undefined, source: SourceObject, options: ScopeOptions = {}): ScopeResult {
  if (!scope) return { inScope: true, groups: [], inputFilterGroups: [] };
  const groups = evaluateGroups(scope.groups, source, options);
  const inputFilterGroups = evaluateGroups(scope.inputFilterGroups, source, options);
  const passes = (r: GroupResult[]) => r.length === 0 || r.some((g) => g.passed);
  return { inScope: passes(groups) && passes(inputFilterGroups), groups, inputFilterGroups };
}
