// Hover on the query of a request URL (a request line of a .http file): what MURAL does with its `filter` —
// answers it, or refuses it with 400 invalidFilter and what Entra then does (src/scim/muralQuery.ts) — and with
// `sortBy` (ignored). The URL may hold unresolved {{variables}}; inside a quoted filter value they do no harm.
import { isScimError } from '../scim/errors';
import { formatAttrPath, parseFilter } from '../scim/filter';
import { hasRule, type MappingTable } from '../scim/mapping';
import { filterableTargets, MURAL_SORTING, muralFilterRefusal } from '../scim/muralQuery';
import type { ResourceTypeName } from '../scim/schemas';
import type { HoverInfo } from './assist';

/** The resource type a URL path addresses: …/Users, …/Users/.search (User), …/Groups… (Group); undefined for the root. */
function resourceTypeOf(path: string): ResourceTypeName | undefined {
  const segments = path.split('/').filter((s) => s !== '' && s !== '.search');
  const last = segments.at(-1)?.toLowerCase();
  if (last === 'users') return 'User';
  if (last === 'groups') return 'Group';
  return undefined;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * Markdown for the `filter` or `sortBy` parameter of `url` under `offset` (both within the URL text), with the
 * parameter's range in the URL; undefined elsewhere.
 */
export function describeQueryAt(url: string, offset: number, table: MappingTable): HoverInfo | undefined {
  const q = url.indexOf('?');
  if (q < 0 || offset <= q) return undefined;
  let start = q + 1;
  while (start <= url.length) {
    const amp = url.indexOf('&', start);
    const end = amp < 0 ? url.length : amp;
    if (offset >= start && offset < end) return describeParam(url.slice(0, q), url.slice(start, end), start, table);
    start = end + 1;
  }
  return undefined;
}

function describeParam(path: string, param: string, at: number, table: MappingTable): HoverInfo | undefined {
  const eq = param.indexOf('=');
  const name = (eq < 0 ? param : param.slice(0, eq)).toLowerCase();
  const value = eq < 0 ? '' : decode(param.slice(eq + 1));
  const range = { offset: at, length: param.length };
  if (name === 'sortby') return { contents: `**sortBy** — ${MURAL_SORTING}`, ...range };
  if (name !== 'filter') return undefined;
  const rt = resourceTypeOf(path);
  let node;
  try {
    node = parseFilter(value);
  } catch (e) {
    if (!isScimError(e)) throw e;
    return { contents: `**filter** \`${value}\`\n\nInvalid filter: ${e.detail} A server answers 400 invalidFilter.`, ...range };
  }
  const refusal = muralFilterRefusal(table, rt, node);
  if (refusal) return { contents: `**filter** \`${value}\`\n\n**MURAL refuses this filter** (400 invalidFilter): ${refusal.detail}`, ...range };
  const types: readonly ResourceTypeName[] = rt ? [rt] : ['User', 'Group'];
  const targets = types.flatMap((t) => filterableTargets(table, t));
  const capitals = node.kind === 'compare' && typeof node.value === 'string' && node.value !== node.value.toLowerCase()
    && types.some((t) => hasRule(table, t, formatAttrPath(node.attr), 'lowercase'));
  return {
    contents: `**filter** \`${value}\`\n\nMURAL answers this filter: it is how Entra matches (${targets.map((t) => `\`${t} eq "…"\``).join(', ')}).` +
      (capitals ? ' **But** MURAL stores the value lower case, so with capitals it finds nothing (an empty list) and Entra would create a duplicate.' : ''),
    ...range,
  };
}
