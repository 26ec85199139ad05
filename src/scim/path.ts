// PATCH paths (RFC 7644 §3.5.2): PATH = attrPath / valuePath [ "." subAttr ], e.g. `name.givenName`,
// `emails[type eq "work"].value`, `members[value eq "2819c223"]`,
// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`. Shares the filter scanner,
// so errors carry offsets the same way (scimType invalidPath).
import { FilterParser, type AttrPath, type FilterNode } from './filter';

export interface PatchPath { attr: AttrPath; filter?: FilterNode; subAttr?: string; offset: number; length: number }

/** PATCH path grammar (RFC 7644 §3.5.2: attrPath / valuePath [ "." subAttr ]); throws ScimError(400, 'invalidPath', …, offset, length). */
export function parsePath(text: string): PatchPath {
  const p = new FilterParser(text, 'invalidPath');
  p.checkLength('path');
  p.skipSpace();
  if (p.atEnd()) {
    p.fail('The path is empty: name an attribute such as name.givenName, or leave "path" out and send an object of attributes as the value.', 0, text.length);
  }
  const start = p.pos;
  const end = p.pathEnd(start);
  if (end === start) {
    p.fail(`Unexpected "${text[start]}": a path starts with an attribute name such as name.givenName or emails[type eq "work"].value.`, start, 1);
  }
  const attr = p.attrPath(start, end);
  p.pos = end;
  let filter: FilterNode | undefined;
  let subAttr: string | undefined;
  if (text[end] === '[') {
    filter = p.parseValuePath(attr).filter;
    if (text[p.pos] === '.') {
      const subStart = p.pos + 1;
      const subEnd = p.pathEnd(subStart);
      subAttr = text.slice(subStart, subEnd);
      if (subAttr === '') p.fail(`Expected a sub-attribute name after "].", e.g. ${attr.name}[…].value.`, p.pos, 1);
      p.checkName(subAttr, subStart);
      p.pos = subEnd;
    }
  }
  const stop = p.pos;
  p.skipSpace();
  if (!p.atEnd()) {
    const w = p.wordAt(p.pos);
    p.fail(`Unexpected "${w.text}" after the path "${text.slice(start, stop)}": a path is one attribute, optionally with a [filter] and a sub-attribute.`, w.offset, w.length);
  }
  return { attr, ...(filter ? { filter } : {}), ...(subAttr !== undefined ? { subAttr } : {}), offset: start, length: stop - start };
}
