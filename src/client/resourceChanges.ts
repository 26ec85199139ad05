// What a server did with a resource it was sent (a PUT's answer against its body): the attributes it dropped and
// the ones whose value it changed — MURAL lower-cases userName and emails, ignores what it does not map. Paths
// are dotted attribute names; a multi-valued attribute is compared whole. `meta` and `schemas` are the server's.
const SERVER_OWNED = new Set(['meta', 'schemas']);

export interface ResourceChanges {
  readonly dropped: string[];
  readonly changed: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys compared case-insensitively, as SCIM attribute names are. */
function byName(o: Record<string, unknown>): Map<string, [string, unknown]> {
  return new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), [k, v]]));
}

export function resourceChanges(sent: unknown, answer: unknown): ResourceChanges {
  const out: ResourceChanges = { dropped: [], changed: [] };
  const walk = (a: Record<string, unknown>, b: Record<string, unknown>, prefix: string) => {
    const answered = byName(b);
    for (const [key, value] of Object.entries(a)) {
      if (!prefix && SERVER_OWNED.has(key)) continue;
      const path = prefix + key;
      const got = answered.get(key.toLowerCase());
      if (value === null || value === undefined) continue;
      if (!got || got[1] === null || got[1] === undefined) out.dropped.push(path);
      else if (isObject(value) && isObject(got[1])) walk(value, got[1], `${path}.`);
      else if (JSON.stringify(value) !== JSON.stringify(got[1])) out.changed.push(path);
    }
  };
  if (isObject(sent) && isObject(answer)) walk(sent, answer, '');
  return out;
}
