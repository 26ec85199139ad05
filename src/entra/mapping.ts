// Evaluating an object mapping of a provisioning configuration for one source object, with the mapping
// properties of learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes:
// "Default value if null" applies only when the object is created; "Apply this mapping: Only during object
// creation" (flowType ObjectAddOnly) skips the mapping on updates; a None mapping (no source) only ever sends
// its default value on create; matching attributes are tried in matchingPriority order.
import type { AttributeMappingDefinition, ObjectMappingDefinition } from './config';
import { evaluate, type EvalOptions, type Outcome, type SourceObject } from './evaluate';
import { evaluateScope, type ScopeOptions, type ScopeResult } from './scoping';

export interface MappingOptions extends EvalOptions, ScopeOptions {
  /** Is the object being created (true) or updated (false)? Default values and ObjectAddOnly depend on it. */
  readonly create: boolean;
}

export interface AttributeResult {
  readonly mapping: AttributeMappingDefinition;
  readonly target: string;
  /**
   * What flows: a value (possibly the default), nothing ("none"), the attribute left out
   * (IgnoreFlowIfNullOrEmpty, IgnoreAttributeFlow), the whole object skipped (IgnoreObjectFlow), an error,
   * or "notApplied" when the mapping does not apply to this operation (ObjectAddOnly on an update).
   */
  readonly outcome: Outcome | { readonly flow: 'notApplied' };
  /** The value came from "Default value if null". */
  readonly fromDefault: boolean;
}

export interface MatchingAttribute {
  readonly target: string;
  readonly priority: number;
  /** The value to look the object up with; null when the source gives none (Entra then tries the next). */
  readonly value: string | null;
}

export interface ObjectMappingResult {
  /** "ignoreObject" when a mapping yielded IgnoreObjectFlow: the object is not provisioned. */
  readonly flow: 'object' | 'ignoreObject';
  readonly attributes: readonly AttributeResult[];
  /** Matching attributes, lowest priority first. */
  readonly matching: readonly MatchingAttribute[];
  readonly errors: readonly AttributeResult[];
}

const NOT_APPLIED = { flow: 'notApplied' } as const;
const NONE: Outcome = { flow: 'none' };

/** Evaluates one attribute mapping for a source object. */
export function evaluateAttributeMapping(m: AttributeMappingDefinition, source: SourceObject, options: MappingOptions): AttributeResult {
  const target = m.targetAttributeName;
  if (!options.create && m.flowType === 'ObjectAddOnly') return { mapping: m, target, outcome: NOT_APPLIED, fromDefault: false };
  let outcome: Outcome;
  if (m.source === null) {
    outcome = NONE;
  } else if (!m.source.expr) {
    outcome = { flow: 'error', error: { message: `The expression of ${target} does not parse.`, offset: 0, length: m.source.text.length } };
  } else {
    outcome = evaluate(m.source.expr, source, options);
  }
  if (outcome.flow === 'none' && options.create && m.defaultValue !== null) {
    return { mapping: m, target, outcome: { flow: 'value', value: m.defaultValue, redacted: false }, fromDefault: true };
  }
  return { mapping: m, target, outcome, fromDefault: false };
}

/** Evaluates every attribute mapping of an object mapping for one source object. */
export function evaluateObjectMapping(om: ObjectMappingDefinition, source: SourceObject, options: MappingOptions): ObjectMappingResult {
  const attributes = om.attributeMappings.map((m) => evaluateAttributeMapping(m, source, options));
  const matching = attributes
    .filter((a) => a.mapping.matchingPriority > 0)
    .sort((a, b) => a.mapping.matchingPriority - b.mapping.matchingPriority)
    .map((a) => {
      // Matching looks the object up whatever the operation: evaluate ObjectAddOnly mappings too.
      const o = a.outcome.flow === 'notApplied' ? evaluateAttributeMapping(a.mapping, source, { ...options, create: true }).outcome : a.outcome;
      return { target: a.target, priority: a.mapping.matchingPriority, value: o.flow === 'value' && typeof o.value === 'string' ? o.value : null };
    });
  return {
    flow: attributes.some((a) => a.outcome.flow === 'ignoreObject') ? 'ignoreObject' : 'object',
    attributes,
    matching,
    errors: attributes.filter((a) => a.outcome.flow === 'error'),
  };
}

/** Is the source object in the object mapping's scope (its scoping filters)? */
export function inScope(om: ObjectMappingDefinition, source: SourceObject, options: ScopeOptions = {}): ScopeResult {
  return evaluateScope(om.scope, source, options);
}
