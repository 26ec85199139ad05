// What the provisioning engine needs from a provisioning configuration: per object type, the attribute
// mappings (target, how the value is computed, default if null, matching precedence, "Apply this mapping"),
// the target object actions and the scoping filter — built from a provisioning configuration file (Graph's
// synchronizationSchema, loaded and evaluated by src/entra), by default MURAL Identity's.
import { createHash } from 'node:crypto';
import {
  evaluate, findObject, inScope, loadConfiguration, loadConfigurationText, muralDefaultConfiguration, objectMappingFor,
  type FlowType, type ObjectMappingDefinition, type ProvisioningConfiguration as EntraConfiguration,
} from '../index';
import type { SourceObjectKind } from './source';

/** What a mapping yields for one source object, in the words of the expression language. */
export type MappingOutcome =
  | { readonly flow: 'value'; readonly value: string | readonly string[]; readonly redacted?: boolean }
  /** No value: the attribute does not flow (a default value may apply on create). */
  | { readonly flow: 'none' }
  /** IgnoreFlowIfNullOrEmpty / IgnoreAttributeFlow: the attribute is left out. */
  | { readonly flow: 'ignoreAttribute' }
  /** IgnoreObjectFlow: the object is not provisioned. */
  | { readonly flow: 'ignoreObject' }
  | { readonly flow: 'error'; readonly message: string };

export type TargetType = 'String' | 'Boolean' | 'Integer' | 'Reference' | 'DateTime' | 'Binary';

export interface AttributeMapping {
  /** The target attribute as the mapping blade writes it: `userName`, `emails[type eq "work"].value`. */
  readonly target: string;
  /** The source as the portal shows it: an attribute name or the expression text. */
  readonly source: string;
  readonly evaluate: (source: Readonly<Record<string, unknown>>) => MappingOutcome;
  /** "Default value if null": sent on create only. */
  readonly defaultValue?: string;
  /** > 0: a matching attribute; the lowest is tried first. */
  readonly matchingPriority?: number;
  /**
   * Always (create and update), ObjectAddOnly ("Only during object creation"), or on update only adding:
   * AttributeAddOnly (only when the target has no value), ValueAddOnly and MultiValueAddOnly (the values the
   * target lacks are added, none removed; on a single value, only when the target has none).
   */
  readonly flowType: FlowType;
  readonly targetType: TargetType;
  /** Values differing only in case are different (the target attribute's caseExact). */
  readonly caseExact?: boolean;
}

export interface ScopingFilter {
  /** The filters as the portal lists them (`{title} {attribute} {operator} {value}`), for logs and fingerprints. */
  readonly text: string;
  /** `details` says which clause decided. */
  readonly evaluate: (source: Readonly<Record<string, unknown>>) => { readonly inScope: boolean; readonly details: string };
}

export interface ObjectMapping {
  /** The group mapping can be switched off; the user mapping cannot. */
  readonly enabled: boolean;
  readonly attributes: readonly AttributeMapping[];
  /** Target object actions. */
  readonly actions: { readonly create: boolean; readonly update: boolean; readonly delete: boolean };
  /** The scoping filters; undefined when there are none. */
  readonly scoping?: ScopingFilter;
  /** Groups: the `members` mapping is present, so memberships are provisioned. */
  readonly members?: boolean;
}

export interface ProvisioningConfiguration {
  /** The app as logs name it, e.g. "MURAL Identity". */
  readonly appName: string;
  readonly users: ObjectMapping;
  readonly groups: ObjectMapping;
  /** Changes whenever the mappings or filters change: the next cycle then re-evaluates every object. */
  readonly fingerprint: string;
}

/** The mapping that computes the soft-delete target (its source reads IsSoftDeleted), if any. */
export function softDeleteMapping(m: ObjectMapping): AttributeMapping | undefined {
  return m.attributes.find((a) => /\bIsSoftDeleted\b/i.test(a.source));
}

export function mappingFor(config: ProvisioningConfiguration, kind: SourceObjectKind): ObjectMapping {
  return kind === 'User' ? config.users : config.groups;
}

// --- From a provisioning configuration file ------------------------------------------------------------

/** A provisioning configuration file (Graph's synchronizationSchema) that the engine cannot run. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

function scopingOf(om: ObjectMappingDefinition): ScopingFilter | undefined {
  if (!om.scope || om.scope.groups.length === 0) return undefined;
  return {
    text: JSON.stringify(om.scope.groups),
    evaluate: (source) => {
      const r = inScope(om, source);
      const decided = r.inScope ? r.groups.find((g) => g.passed) : undefined;
      const details = decided
        ? `${decided.name}: ${decided.clauses.map((c) => c.reason).join('; ')}`
        : r.groups.map((g) => `${g.name}: ${g.clauses.filter((c) => !c.passed).map((c) => c.reason).join('; ')}`).join(' | ');
      return { inScope: r.inScope, details };
    },
  };
}

function objectMapping(config: EntraConfiguration, om: ObjectMappingDefinition | undefined, targetDirectory: string): ObjectMapping {
  if (!om) return { enabled: false, attributes: [], actions: { create: false, update: false, delete: false } };
  const targetAttributes = new Map((findObject(config, targetDirectory, om.targetObjectName)?.attributes ?? []).map((a) => [a.name.toLowerCase(), a]));
  const attributes: AttributeMapping[] = [];
  let members = false;
  for (const m of om.attributeMappings) {
    if (m.targetAttributeName === 'members') {
      members = true;
      continue;
    }
    const def = targetAttributes.get(m.targetAttributeName.toLowerCase());
    const source = m.source;
    attributes.push({
      target: m.targetAttributeName,
      source: source?.text ?? '(none)',
      evaluate: (object) => {
        if (source === null) return { flow: 'none' };
        if (!source.expr) return { flow: 'error', message: `the expression ${source.text} does not parse` };
        const out = evaluate(source.expr, object);
        return out.flow === 'error' ? { flow: 'error', message: out.error.message } : out;
      },
      ...(m.defaultValue !== null ? { defaultValue: m.defaultValue } : {}),
      ...(m.matchingPriority > 0 ? { matchingPriority: m.matchingPriority } : {}),
      flowType: m.flowType,
      targetType: (def?.type ?? 'String') as TargetType,
      ...(def?.caseExact ? { caseExact: true } : {}),
    });
  }
  return {
    enabled: om.enabled,
    attributes,
    actions: { create: om.flowTypes.has('Add'), update: om.flowTypes.has('Update'), delete: om.flowTypes.has('Delete') },
    members,
    ...(om.scope ? { scoping: scopingOf(om) } : {}),
  };
}

/**
 * The engine's configuration from a loaded provisioning configuration file: the enabled User and Group object
 * mappings of its rules. Throws ConfigurationError when there is no user mapping or an expression does not parse.
 */
export function fromEntraConfiguration(config: EntraConfiguration): ProvisioningConfiguration {
  const users = objectMappingFor(config, 'User');
  if (!users) throw new ConfigurationError('The configuration has no enabled object mapping for Entra\'s User objects; Entra cannot provision without one.');
  const broken = [users, objectMappingFor(config, 'Group')].flatMap((om) => om?.attributeMappings ?? []).filter((m) => m.source && !m.source.expr);
  if (broken.length) {
    throw new ConfigurationError(`These mappings do not parse: ${broken.map((m) => `${m.targetAttributeName} ← ${m.source?.text}`).join('; ')}. Run "scim-workbench lint" on the file to see where.`);
  }
  const rule = config.rules.find((r) => r.objectMappings.includes(users));
  const appName = rule?.targetDirectoryName || 'the app';
  const u = objectMapping(config, users, appName);
  const g = objectMapping(config, objectMappingFor(config, 'Group'), appName);
  return { appName, users: u, groups: g, fingerprint: configurationFingerprint(appName, u, g) };
}

/**
 * The engine's configuration from the text of a provisioning configuration file named `file`; throws
 * ConfigurationError listing (up to 20 of) its errors with their JSON paths.
 */
export function configurationFromText(text: string, file: string): ProvisioningConfiguration {
  const { config, problems } = loadConfigurationText(text);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!config || errors.length) {
    const where = (path: readonly (string | number)[]) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${k}`)).join('');
    const lines = (errors.length ? errors : problems).slice(0, 20).map((p) => `${file}${p.path.length ? `: ${where(p.path)}` : ''}: ${p.message}`);
    throw new ConfigurationError(lines.length ? lines.join('\n') : `${file} is not a provisioning configuration (Graph's synchronizationSchema, as Entra downloads it).`);
  }
  try {
    return fromEntraConfiguration(config);
  } catch (e) {
    if (e instanceof ConfigurationError) throw new ConfigurationError(`${file}: ${e.message}`);
    throw e;
  }
}

let muralDefault: ProvisioningConfiguration | undefined;

/** MURAL Identity's default configuration (src/entra/muralDefault.ts, derived from src/scim/mapping.ts). */
export function muralDefaultEngineConfiguration(): ProvisioningConfiguration {
  if (!muralDefault) {
    const { config } = loadConfiguration(muralDefaultConfiguration());
    if (!config) throw new ConfigurationError('MURAL Identity\'s default configuration does not load.');
    muralDefault = fromEntraConfiguration(config);
  }
  return muralDefault;
}

/** A fingerprint of what decides the engine's output: targets, sources, defaults, matching, flow types, actions. */
export function configurationFingerprint(appName: string, users: ObjectMapping, groups: ObjectMapping): string {
  const part = (m: ObjectMapping) => ({
    enabled: m.enabled, actions: m.actions, members: m.members ?? false, scoping: m.scoping?.text ?? null,
    attributes: m.attributes.map((a) => [a.target, a.source, a.defaultValue ?? null, a.matchingPriority ?? 0, a.flowType, a.targetType, a.caseExact ?? false]),
  });
  return createHash('sha256').update(JSON.stringify({ appName, users: part(users), groups: part(groups) })).digest('base64url').slice(0, 22);
}
