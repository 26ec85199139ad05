// The hover on a request URL's filter and sortBy (a .http file's request line): MURAL's answer in MURAL's words.
import * as assert from 'node:assert/strict';
import { MURAL_MAPPING } from '../../../src/scim/mapping';
import { describeQueryAt } from '../../../src/validation';

function hover(url: string, needle: string) {
  const at = url.indexOf(needle);
  assert.ok(at >= 0, needle);
  return describeQueryAt(url, at + 1, MURAL_MAPPING);
}

describe('query hover', () => {
  it('on a filter MURAL refuses: 400 invalidFilter, what MURAL answers and that Entra will fail to match and retry', () => {
    const url = '{{tenantUrl}}/Users?count=10&filter=externalId eq "alice"&startIndex=1';
    const h = hover(url, 'externalId');
    assert.ok(h);
    assert.equal(url.slice(h.offset, h.offset + h.length), 'filter=externalId eq "alice"');
    assert.match(h.contents, /MURAL refuses this filter\*\* \(400 invalidFilter\): MURAL answers only userName eq "…" on \/Users/);
    assert.match(h.contents, /If externalId is Entra's matching attribute, Entra will fail to match every user and retry each cycle/);
    assert.match(hover('{{tenantUrl}}/Groups?filter=displayName sw "Eng"', 'sw')?.contents ?? '', /operator "sw" on displayName.*every group/);
  });

  it('on a filter MURAL answers, decoded as Entra encodes it, warning about capitals where MURAL lowercases', () => {
    const encoded = hover('https://api.mural.co/enterprise/v1/scim/Users?filter=userName+eq+%22ada%40contoso.com%22', 'userName');
    assert.match(encoded?.contents ?? '', /^\*\*filter\*\* `userName eq "ada@contoso.com"`\n\nMURAL answers this filter: it is how Entra matches \(`userName eq "…"`\)\.$/);
    assert.match(hover('{{tenantUrl}}/Users?filter=userName eq "Ada@Contoso.com"', 'eq')?.contents ?? '', /with capitals it finds nothing/);
    assert.doesNotMatch(hover('{{tenantUrl}}/Groups?filter=displayName eq "Eng"', 'eq')?.contents ?? '', /capitals/);
  });

  it('on sortBy, an invalid filter, and nowhere else', () => {
    assert.match(hover('{{tenantUrl}}/Users?sortBy=userName', 'sortBy')?.contents ?? '', /MURAL does not sort.*ignores sortBy/);
    assert.match(hover('{{tenantUrl}}/Users?filter=userName eq', 'eq')?.contents ?? '', /Invalid filter: .* 400 invalidFilter/);
    assert.equal(hover('{{tenantUrl}}/Users?filter=userName eq "a"', 'Users'), undefined);
    assert.equal(hover('{{tenantUrl}}/Users?count=5', 'count'), undefined);
  });
});
