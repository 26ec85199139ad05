// The JSONPath subset request variables use (`{{createUser.response.body.$.emails[0].value}}`): the root `$`,
// then member names (`.id`, `['urn:…:User']`, `["a b"]`) and array indexes (`[0]`, `[-1]` counts from the end).
// No wildcards or filters: a request variable names one value.

export type JsonPathSegment = string | number;

/** The path's segments, or an Error whose message says what is wrong and where. */
export function parseJsonPath(path: string): JsonPathSegment[] | Error {
  if (!path.startsWith('$')) return new Error(`A JSONPath starts with "$" (the body), e.g. $.id — got "${path}".`);
  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i + 1));
      if (!m) return new Error(`Expected a member name after "." at position ${i + 1} of "${path}".`);
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = path.slice(i);
      const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
      const quoted = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        segments.push((quoted[1] ?? quoted[2] ?? '').replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        return new Error(`Expected [<index>] or ['<name>'] at position ${i + 1} of "${path}" (wildcards and filters are not supported).`);
      }
    } else {
      return new Error(`Unexpected "${c}" at position ${i + 1} of "${path}": write members as .name or ['name'], items as [0].`);
    }
  }
  return segments;
}

/** The value at `segments` in `value`; `found` is false when a member or index does not exist. */
export function selectJsonPath(value: unknown, segments: readonly JsonPathSegment[]): { found: boolean; value?: unknown } {
  let current = value;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(current)) return { found: false };
      const at = s < 0 ? current.length + s : s;
      if (at < 0 || at >= current.length) return { found: false };
      current = current[at];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, s)) return { found: false };
      current = (current as Record<string, unknown>)[s];
    }
  }
  return { found: true, value: current };
}
