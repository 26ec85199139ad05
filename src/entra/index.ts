/**
 * Entra's side of provisioning: the attribute-mapping expression language, scoping filters and the
 * provisioning configuration file (Graph's synchronizationSchema). Pure: no `vscode`, no I/O.
 *
 * The API a provisioning engine calls:
 *
 *   const { config, problems } = loadConfigurationText(fileText);   // or loadConfiguration(JSON value)
 *   //   problems: {path (JSON path), message, severity, inExpression?: {offset, length}}[]
 *   //   config.rules[].objectMappings[]: {sourceObjectName, targetObjectName, enabled, flowTypes (Set of
 *   //   Add/Update/Delete), scope, attributeMappings[]: {targetAttributeName, type (Direct/Constant/
 *   //   Expression/None), source {text, expr}, defaultValue, matchingPriority, flowType, flowBehavior}}
 *   const om = objectMappingFor(config, 'User');                  // the enabled mapping of Entra's User
 *   inScope(om, entraUser)             // {inScope, groups: [{name, passed, clauses: [{passed, reason}]}]}
 *   evaluateObjectMapping(om, entraUser, { create: true, now, random, isUnique })
 *   //   {flow: 'object' | 'ignoreObject',
 *   //    attributes: [{target, outcome: {flow: 'value', value, redacted} | {flow: 'none' | 'ignoreAttribute'
 *   //                  | 'ignoreObject' | 'notApplied'} | {flow: 'error', error}, fromDefault}],
 *   //    matching: [{target, priority, value}] (lowest priority first), errors}
 *
 * A source object is a plain record of Entra attribute values: strings, booleans (read as "True"/"False"),
 * numbers, arrays for multi-valued attributes; an absent or null attribute is null. For one expression:
 * parseExpression(text) → {ok, expr} | {ok: false, error: {message, offset, length}}; evaluate(expr, source,
 * options) → Outcome. muralDefaultConfiguration() is MURAL Identity's default configuration.
 */
export { parseExpression, describePosition, MAX_EXPRESSION_LENGTH, MAX_EXPRESSION_DEPTH } from './parser';
export type { Expr, Arg, CallExpr, ExpressionError, ParseResult, CompareOp } from './parser';
export { evaluate, toValue } from './evaluate';
export type { EvalOptions, Outcome, Flow, SourceObject, Value } from './evaluate';
export { FUNCTIONS, KEYWORDS, findFunction } from './functions';
export type { FunctionSpec, ParamSpec } from './functions';
export { toMappingSource, mappingSourceToText, formatExpression } from './stored';
export type { AttributeMappingSource } from './stored';
export { OPERATORS, findOperator, evaluateClause, evaluateScope } from './scoping';
export type { FilterClause, FilterGroup, Scope, ScopeResult, GroupResult, ClauseResult } from './scoping';
export { loadConfiguration, loadConfigurationText, isSynchronizationSchema, findObject } from './config';
export type {
  ProvisioningConfiguration, LoadedConfiguration, ConfigProblem, ObjectMappingDefinition, AttributeMappingDefinition,
  SynchronizationRuleDefinition, DirectoryDefinition, ObjectDefinition, AttributeDefinition, MappingType, FlowType, JsonPath,
} from './config';
export { evaluateObjectMapping, evaluateAttributeMapping, inScope } from './mapping';
export type { MappingOptions, AttributeResult, ObjectMappingResult, MatchingAttribute } from './mapping';
export { muralDefaultConfiguration, muralDefaultConfigurationText, ENTRA_DIRECTORY, MURAL_DIRECTORY, TARGET_OBJECTS } from './muralDefault';

import type { ObjectMappingDefinition, ProvisioningConfiguration } from './config';

/** The enabled object mapping whose source object is `sourceObjectName` (e.g. "User", "Group"), rules by priority. */
export function objectMappingFor(config: ProvisioningConfiguration, sourceObjectName: string): ObjectMappingDefinition | undefined {
  const rules = [...config.rules].sort((a, b) => a.priority - b.priority);
  for (const r of rules) {
    const om = r.objectMappings.find((m) => m.enabled && m.sourceObjectName === sourceObjectName);
    if (om) return om;
  }
  return undefined;
}
