// The functions of Entra's expression language: names, parameters (with the keys Microsoft Graph stores
// in an attributeMappingSource tree), arity and one-line documentation for hovers and completion.
// Sources: learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
// (semantics, examples) and Graph's `GET …/schema/functions` response (parameter names); parameter keys not
// shown by Graph or a real file follow the documented signature and are marked "inferred".

export interface ParamSpec {
  /** The key Graph stores for this parameter (`source`, `Find`, …). */
  readonly key: string;
  readonly required: boolean;
  /** The parameter repeats (Join's and Coalesce's sources, Switch's key/value list). */
  readonly repeats?: boolean;
  /** Written as a bare number in canonical text (Mid's start, Left's length). */
  readonly integer?: boolean;
}

export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly ParamSpec[];
  readonly signature: string;
  readonly doc: string;
  readonly example?: string;
  /** Fewest and most arguments (positions, omitted ones included); max Infinity for repeating lists. */
  readonly min: number;
  readonly max: number;
  /** Canonical text writes every position, empty ones included (Replace's seven). */
  readonly allPositions?: boolean;
}

const p = (key: string, required = true, extra: Partial<ParamSpec> = {}): ParamSpec => ({ key, required, ...extra });

function fn(name: string, params: ParamSpec[], signature: string, doc: string, example?: string, arity?: [number, number], allPositions?: boolean): FunctionSpec {
  const min = arity?.[0] ?? params.filter((x) => x.required && !x.repeats).length + (params.some((x) => x.repeats && x.required) ? 1 : 0);
  const max = arity?.[1] ?? (params.some((x) => x.repeats) ? Infinity : params.length);
  return { name, params, signature, doc, ...(example ? { example } : {}), min, max, ...(allPositions ? { allPositions } : {}) };
}

const source = [p('source')];

export const FUNCTIONS: readonly FunctionSpec[] = [
  fn('Append', [p('source'), p('suffix')], 'Append(source, suffix)', 'The source value followed by the suffix.', 'Append([userPrincipalName], ".test")'),
  fn('AppRoleAssignments', source, 'AppRoleAssignments([appRoleAssignments])', 'The names of the user\'s app role assignments (a multi-valued value).'),
  fn('AppRoleAssignmentsComplex', source, 'AppRoleAssignmentsComplex([appRoleAssignments])', 'All of the user\'s app role assignments for the SCIM `roles` attribute (sent with primary = false; PATCH only adds).'),
  fn('AssertiveAppRoleAssignmentsComplex', source, 'AssertiveAppRoleAssignmentsComplex([appRoleAssignments])', 'Like AppRoleAssignmentsComplex, but updates replace `roles`, so roles removed in Entra are removed in the app.'),
  fn('BitAnd', [p('left', true, { integer: true }), p('right', true, { integer: true })], 'BitAnd(value1, value2)', 'Bitwise AND of two integers (decimal or VB hex such as &HF7).', 'BitAnd(&HF, &HF7)'),
  fn('CBool', source, 'CBool(expression)', 'True when the expression is True or a non-zero number, else False.', 'CBool([attribute1] = [attribute2])'),
  fn('CDate', source, 'CDate(expression)', 'Reads a date/time string and returns it in UTC as M/d/yyyy h:mm:ss tt.', 'CDate("2021-06-30+08:00")'),
  fn('Coalesce', [p('source', true, { repeats: true })], 'Coalesce(source1, source2, …, defaultValue)', 'The first argument that is not null (absent); null when all are.', 'Coalesce([mail], [userPrincipalName])'),
  fn('ConvertToBase64', source, 'ConvertToBase64(source)', 'Base64 of the string\'s UTF-16LE bytes.', 'ConvertToBase64("Hello world!")'),
  fn('ConvertToUTF8Hex', source, 'ConvertToUTF8Hex(source)', 'Upper-case hex of the string\'s UTF-8 bytes.', 'ConvertToUTF8Hex("Hello world!")'),
  fn('Count', source, 'Count(attribute)', 'The number of values of a multi-valued attribute.'),
  fn('CStr', source, 'CStr(value)', 'The value as a string.'),
  fn('DateAdd', [p('interval'), p('value', true, { integer: true }), p('dateTime')], 'DateAdd(interval, value, dateTime)', 'Adds `value` intervals (yyyy, m, d, ww, h, n, s) to a date; returns M/d/yyyy h:mm:ss tt in UTC.', 'DateAdd("d", 7, CDate([StatusHireDate]))'),
  fn('DateDiff', [p('interval'), p('date1'), p('date2')], 'DateDiff(interval, date1, date2)', 'The number of interval boundaries (yyyy, m, d, ww, h, n, s) between date1 and date2; negative when date2 is earlier.', 'DateDiff("d", Now(), CDate([StatusHireDate]))'),
  fn('DateFromNum', source, 'DateFromNum(value)', 'An AD file time (100-ns ticks since 1601-01-01 UTC) as M/d/yyyy h:mm:ss tt.', 'DateFromNum([lastLogonTimestamp])'),
  fn('DefaultDomain', [], 'DefaultDomain()', 'The tenant\'s default domain.'),
  fn('Error', [p('message')], 'Error(message)', 'Stops the evaluation with this message (the object is not provisioned).'),
  fn('FormatDateTime', [p('source'), p('dateTimeStyle', false), p('inputFormat'), p('outputFormat')], 'FormatDateTime(source, dateTimeStyles, inputFormat, outputFormat)', 'Reads the source with a .NET custom date format and writes it with another (in UTC). dateTimeStyles may be omitted; the older three-argument form has no dateTimeStyles.', 'FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")', [3, 4]),
  fn('Guid', [], 'Guid()', 'A new random GUID.'),
  fn('IgnoreFlowIfNullOrEmpty', source, 'IgnoreFlowIfNullOrEmpty(expression)', 'The value, or — when it is null or empty — nothing: the target attribute is left out of the request.', 'IgnoreFlowIfNullOrEmpty([department])'),
  fn('IIF', [p('one'), p('four'), p('five', false)], 'IIF(condition, valueIfTrue, valueIfFalse)', 'valueIfTrue when the condition holds, else valueIfFalse. Conditions compare with = <> > >= < <=; there is no AND/OR (nest IIF). A condition on a null attribute fails: the result is null.', 'IIF([country]="USA", [country], [department])', [3, 3]),
  fn('InStr', [p('value1'), p('value2'), p('start', false, { integer: true }), p('compareType', false)], 'InStr(value1, value2, start, compareType)', '1-based position of value2 in value1 (0 when absent); compareType vbBinaryCompare (default, case-sensitive) or vbTextCompare.', 'InStr("The quick brown fox", "quick")'),
  fn('IsNothing', source, 'IsNothing(expression)', 'True when the value is null (absent); like IsNull.'),
  fn('IsNull', source, 'IsNull(expression)', 'True when the value is null (the attribute is absent).', 'IsNull([displayName])'),
  fn('IsNullOrEmpty', source, 'IsNullOrEmpty(expression)', 'True when the value is null or the empty string.', 'IsNullOrEmpty([displayName])'),
  fn('IsPresent', source, 'IsPresent(expression)', 'True when the value is neither null nor empty.', 'IsPresent([directManager])'),
  fn('IsString', source, 'IsString(expression)', 'True when the value can be evaluated to a string.'),
  fn('Item', [p('source'), p('index', true, { integer: true })], 'Item(attribute, index)', 'The index-th value (1-based) of a multi-valued attribute.', 'Item([proxyAddresses], 1)'),
  fn('Join', [p('separator'), p('source', true, { repeats: true })], 'Join(separator, source1, source2, …)', 'The sources joined by the separator; every value of a multi-valued source is included; null and empty sources are skipped.', 'Join(" ", [givenName], [surname])'),
  fn('Left', [p('source'), p('length', true, { integer: true })], 'Left(String, NumChars)', 'The first NumChars characters (0 → "", negative → the whole string).', 'Left("John Doe", 3)'),
  fn('Mid', [p('source'), p('start', true, { integer: true }), p('length', true, { integer: true })], 'Mid(source, start, length)', 'length characters starting at the 1-based position start.', 'Mid([givenName], 1, 3)'),
  fn('NormalizeDiacritics', source, 'NormalizeDiacritics(source)', 'Replaces accented characters by plain ones (Zoë → Zoe, æ → ae, ß → ss).', 'NormalizeDiacritics([givenName])'),
  fn('Not', source, 'Not(source)', 'False for "True", True for anything else.', 'Not([IsSoftDeleted])'),
  fn('Now', [], 'Now()', 'The current time in UTC as M/d/yyyy h:mm:ss tt.'),
  fn('NumFromDate', source, 'NumFromDate(value)', 'A date as an AD file time (100-ns ticks since 1601-01-01 UTC), e.g. for accountExpires.'),
  fn('PCase', [p('source'), p('wordSeparators', false)], 'PCase(source, wordSeparators)', 'Upper-cases the first letter of each word and lower-cases the rest; with wordSeparators only those characters separate words.', 'PCase([firstName])'),
  fn('Prepend', [p('prefix'), p('source')], 'Prepend(prefix, source)', 'The prefix followed by the source value.'),
  fn('RandomString', [p('Length', true, { integer: true }), p('MinimumNumbers', true, { integer: true }), p('MinimumSpecialCharacters', true, { integer: true }), p('MinimumCapital', true, { integer: true }), p('MinimumLowerCase', true, { integer: true }), p('CharactersToAvoid', false)], 'RandomString(Length, MinimumNumbers, MinimumSpecialCharacters, MinimumCapital, MinimumLowerCase, CharactersToAvoid)', 'A random string (Length ≤ 256) with at least the given numbers of digits, special, upper- and lower-case characters.', 'RandomString(6, 3, 0, 0, 3)'),
  fn('Redact', source, 'Redact(attributeOrValue)', 'The value flows to the app but the provisioning log shows [Redact].', 'Redact([userPrincipalName])'),
  fn('RemoveDuplicates', source, 'RemoveDuplicates(attribute)', 'The values of a multi-valued attribute without duplicates.', 'RemoveDuplicates([proxyAddresses])'),
  fn('Replace', [p('source'), p('Find', false), p('RegularExpression', false), p('RegularExpressionGroupName', false), p('Replacement', false), p('ReplacementPropertyName', false), p('Template', false)], 'Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template)', 'Replaces text, case-sensitively: oldValue by replacementValue; or regexPattern (.NET syntax, ${group} in the replacement); or only the named group; or oldValue inside template by the source.', 'Replace([mail], "@contoso.com", , , "", , )', undefined, true),
  fn('SelectUniqueValue', [p('source', true, { repeats: true })], 'SelectUniqueValue(rule1, rule2, …)', 'The first rule whose value is not yet used in the target (at least two rules; top level only; creation only; Entra supports it for HR-driven provisioning to AD, not SCIM apps).', undefined, [2, Infinity]),
  fn('SingleAppRoleAssignment', source, 'SingleAppRoleAssignment([appRoleAssignments])', 'The name of the user\'s one app role assignment (undefined which one when there are several).', 'SingleAppRoleAssignment([appRoleAssignments])'),
  fn('Split', [p('source'), p('delimiter', false)], 'Split(source, delimiter)', 'The string split at each delimiter into a multi-valued value (items are not trimmed; delimiter "," when omitted).', 'Split([extensionAttribute5], ",")'),
  fn('StripSpaces', source, 'StripSpaces(source)', 'The string without its space characters.'),
  fn('Switch', [p('source'), p('defaultValue', false), p('switchValue', false, { repeats: true })], 'Switch(source, defaultValue, key1, value1, key2, value2, …)', 'The value paired with the first key equal to source (case-sensitive; a null source matches the key ""), else defaultValue (null when omitted). Keys and values come in pairs.', 'Switch([IsSoftDeleted], , "False", "True", "True", "False")', [4, Infinity]),
  fn('ToLower', [p('source'), p('culture', false)], 'ToLower(source, culture)', 'The string in lower case (invariant culture unless an RFC 4646 culture such as "tr-TR" is given).', 'ToLower([userPrincipalName])'),
  fn('ToUpper', [p('source'), p('culture', false)], 'ToUpper(source, culture)', 'The string in upper case (invariant culture unless an RFC 4646 culture is given).', 'ToUpper([department])'),
  fn('Trim', source, 'Trim(source)', 'The string without leading and trailing white space.'),
  fn('Word', [p('source'), p('wordNumber', true, { integer: true }), p('delimiters')], 'Word(String, WordNumber, Delimiters)', 'The WordNumber-th word (1-based), words separated by any of the delimiter characters; "" when there are fewer words.', 'Word("The quick brown fox", 3, " ")'),
];

const byLowerName = new Map(FUNCTIONS.map((f) => [f.name.toLowerCase(), f]));

/** The function called `name`, matched regardless of case (the Entra docs themselves write `switch(`). */
export function findFunction(name: string): FunctionSpec | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** Bare words the language knows, with what they mean. */
export const KEYWORDS: ReadonlyMap<string, string> = new Map([
  ['vbBinaryCompare', 'InStr compares case-sensitively (the default).'],
  ['vbTextCompare', 'InStr compares case-insensitively.'],
  ['IgnoreAttributeFlow', 'The target attribute is left out of the request.'],
  ['IgnoreObjectFlow', 'The object is not provisioned (Entra documents it for HR-driven provisioning).'],
]);

/** Names close to `name` (case-insensitive edit distance ≤ 2), best first, for "did you mean". */
export function closest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const scored: [number, string][] = [];
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase(), 2);
    if (d <= 2) scored.push([d, c]);
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])).slice(0, max).map((s) => s[1]);
}

/** Levenshtein distance, giving up (returning limit + 1) once it exceeds limit. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (cur[j] < best) best = cur[j];
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length];
}
