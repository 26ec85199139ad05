// What the provisioning engine needs from a provisioning configuration: per object type, the attribute
// mappings (target, how the value is computed, default if null, matching precedence, "Apply this mapping"),
// the target object actions and the scoping filter. The expression language and the configuration file
// (src/entra, Graph's synchronizationSchema) produce this; MURAL_DEFAULT_CONFIGURATION is the gallery app's
// default as entra-provisioning-engine.md §2.7 gives it.
import { createHash } from 'node:crypto';
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
  /** Always (create and update) or ObjectAddOnly ("Only during object creation"). */
  readonly flowType: 'Always' | 'ObjectAddOnly';
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

// --- MURAL Identity's default configuration ------------------------------------------------------------

const direct = (attribute: string) => (source: Readonly<Record<string, unknown>>): MappingOutcome => {
  const v = source[attribute];
  if (v === undefined || v === null) return { flow: 'none' };
  if (Array.isArray(v)) return { flow: 'value', value: v.map(String) };
  return { flow: 'value', value: typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v) };
};

/** `Switch([IsSoftDeleted], , "False", "True", "True", "False")`. */
const notSoftDeleted = (source: Readonly<Record<string, unknown>>): MappingOutcome => {
  const v = String(source.IsSoftDeleted);
  return v === 'True' || v === 'true' ? { flow: 'value', value: 'False' } : v === 'False' || v === 'false' ? { flow: 'value', value: 'True' } : { flow: 'none' };
};

function attr(target: string, source: string, extra: Partial<AttributeMapping> = {}): AttributeMapping {
  return { target, source, evaluate: direct(source), flowType: 'Always', targetType: 'String', ...extra };
}

const ACTIONS = { create: true, update: true, delete: true } as const;

/**
 * MURAL Identity's default mappings: the targets of the seed tutorial with Entra's default sources
 * (entra-provisioning-engine.md §2.7, the source side inferred there).
 */
export const MURAL_DEFAULT_CONFIGURATION: ProvisioningConfiguration = (() => {
  const users: ObjectMapping = {
    enabled: true,
    actions: ACTIONS,
    attributes: [
      attr('userName', 'userPrincipalName', { matchingPriority: 1 }),
      attr('emails[type eq "work"].value', 'mail'),
      { target: 'active', source: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")', evaluate: notSoftDeleted, flowType: 'Always', targetType: 'Boolean' },
      attr('name.givenName', 'givenName'),
      attr('name.familyName', 'surname'),
      attr('externalId', 'mailNickname'),
    ],
  };
  const groups: ObjectMapping = {
    enabled: true,
    actions: ACTIONS,
    members: true,
    attributes: [attr('displayName', 'displayName', { matchingPriority: 1 }), attr('externalId', 'objectId')],
  };
  return { appName: 'MURAL Identity', users, groups, fingerprint: configurationFingerprint('MURAL Identity', users, groups) };
})();

/** A fingerprint of what decides the engine's output: targets, sources, defaults, matching, flow types, actions. */
export function configurationFingerprint(appName: string, users: ObjectMapping, groups: ObjectMapping): string {
  const part = (m: ObjectMapping) => ({
    enabled: m.enabled, actions: m.actions, members: m.members ?? false, scoping: m.scoping?.text ?? null,
    attributes: m.attributes.map((a) => [a.target, a.source, a.defaultValue ?? null, a.matchingPriority ?? 0, a.flowType, a.targetType, a.caseExact ?? false]),
  });
  return createHash('sha256').update(JSON.stringify({ appName, users: part(users), groups: part(groups) })).digest('base64url').slice(0, 22);
}
