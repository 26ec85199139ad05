// The JSON body of a request to /Users or /Groups in a request file (.http), checked with the payload rules
// of src/validation as a *.scim.json file is. Problems come back at offsets in the request file. A
// `{{variable}}` is not a JSON error: outside a string it stands for a value, inside one the text around it is
// unknown until it is filled in, so nothing is reported where a variable is.
import { validatePayload, type Problem, type ValidateOptions } from '../validation';
import type { HttpFileRequest } from './httpFile';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** The URL's path ends with /Users or /Groups, a resource of them, or their /.search. */
const SCIM_RESOURCE_PATH = /\/(?:Users|Groups)(?:\/[^/]+)?\/?$/i;
const VARIABLE = /\{\{[^{}]*\}\}/g;

/** Whether the request's body is a SCIM payload the payload rules apply to. */
export function isScimBodyRequest(request: HttpFileRequest): boolean {
  if (!request.body || !BODY_METHODS.has(request.method.toUpperCase())) return false;
  const path = request.url.trim().replace(/[?#].*$/, '');
  if (!SCIM_RESOURCE_PATH.test(path)) return false;
  const type = request.headers.find((h) => /^content-type$/i.test(h.name))?.value;
  if (type && !/json/i.test(type)) return false;
  return request.body.text.trimStart().startsWith('{');
}

/** The payload problems of the request's body, at file offsets; none when the body is not a SCIM payload. */
export function requestBodyProblems(request: HttpFileRequest, options: ValidateOptions = {}): Problem[] {
  if (!isScimBodyRequest(request) || !request.body) return [];
  const { text, offset: base } = request.body;
  const spans = variableSpans(text);
  let masked = text;
  for (const s of spans) {
    if (!s.inString) masked = masked.slice(0, s.start) + '0'.padEnd(s.end - s.start) + masked.slice(s.end);
  }
  const overlaps = (offset: number, length: number) => spans.some((s) => offset < s.end && offset + Math.max(length, 1) > s.start);
  const out: Problem[] = [];
  for (const p of validatePayload(masked, options).problems) {
    if (overlaps(p.offset, p.length)) continue;
    const fixes = p.fixes
      ?.filter((f) => !f.edits.some((e) => overlaps(e.offset, e.length)))
      .map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, offset: e.offset + base })) }));
    out.push({ ...p, offset: p.offset + base, ...(fixes ? { fixes } : {}) });
  }
  return out;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly inString: boolean;
}

/** The `{{…}}` of a body and whether each is inside a JSON string (one pass over the text). */
function variableSpans(text: string): Span[] {
  const spans: Span[] = [];
  let inString = false;
  let next = 0;
  VARIABLE.lastIndex = 0;
  for (let m = VARIABLE.exec(text); m; m = VARIABLE.exec(text)) {
    for (; next < m.index; next++) {
      const c = text.charCodeAt(next);
      if (c === 0x5c /* \ */ && inString) next++;
      else if (c === 0x22 /* " */) inString = !inString;
      else if ((c === 10 || c === 13) && inString) inString = false; // an unterminated string ends at the line
    }
    spans.push({ start: m.index, end: m.index + m[0].length, inString });
    next = m.index + m[0].length;
  }
  return spans;
}
