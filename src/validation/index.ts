// The payload validator's public API (pure: no vscode, no I/O). The VS Code glue and the lint CLI call these.
export { validatePayload, type ValidateOptions, type ValidationResult } from './validate';
export { RULES, applyFix, type Fix, type Problem, type RuleCode, type RuleInfo, type Severity, type TextEdit } from './rules';
export type { PayloadKind } from './kinds';
export { loadMappingTable, type LoadedMapping } from './mappingFile';
export { describeQueryAt } from './queryHover';
export { completionsAt, describeAttributeAt, type AssistOptions, type Completion, type CompletionResult, type HoverInfo } from './assist';
export {
  validateProvisioningConfiguration, isProvisioningConfiguration, PROVISIONING_FILE, provisioningHoverAt, provisioningCompletionsAt, mappingLocations, mappingAt,
  type ProvisioningHover, type ProvisioningCompletion, type MappingLocation,
} from './provisioning';
