// Small helpers for SCIM values held as plain JSON: case-insensitive member lookup (attribute names are
// case-insensitive, RFC 7643 §2.1), "present" as RFC 7644 `pr` defines it, dateTime instants, deep equality.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key under which `obj` holds attribute `name`: the exact spelling first, else a case-insensitive match. */
export function findKey(obj: JsonObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return k;
  return undefined;
}

/** The value of attribute `name` in `obj`, looked up case-insensitively. */
export function getProp(obj: JsonObject, name: string): unknown {
  const v = obj[name];
  if (v !== undefined && Object.prototype.hasOwnProperty.call(obj, name)) return v;
  const k = findKey(obj, name);
  return k === undefined ? undefined : obj[k];
}

/**
 * RFC 7644 `pr`: the attribute has a non-empty value — not null, not "", not [], and for complex values at
 * least one present sub-attribute.
 */
export function isPresent(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false;
  if (Array.isArray(v)) return v.some(isPresent);
  if (isObject(v)) {
    for (const k in v) if (isPresent(v[k])) return true;
    return false;
  }
  return true;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?$/;

/**
 * The instant (ms since the epoch) of an xsd:dateTime string such as `2011-05-13T04:42:34Z`, or undefined
 * when it is not one. A value without a zone is read as UTC, so results never depend on the machine's zone.
 */
export function parseDateTime(s: string): number | undefined {
  if (!DATE_TIME.test(s)) return undefined;
  const hasZone = /(?:[Zz]|[+-]\d{2}:\d{2})$/.test(s);
  const t = Date.parse(hasZone ? s : s.length === 10 ? `${s}T00:00:00Z` : `${s}Z`);
  return Number.isNaN(t) ? undefined : t;
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !deepEqual(ao[k], bo[k])) return false;
  }
  return true;
}

/** A short, quoted rendering of a value for error messages. */
export function describeValue(v: unknown): string {
  let s: string;
  try {
    s = v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
  } catch {
    // Too deeply nested (or cyclic) to print: say what it is instead.
    s = Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
