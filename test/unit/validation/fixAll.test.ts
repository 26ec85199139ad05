import * as assert from 'node:assert/strict';
import { MURAL_MAPPING } from '../../../src/scim/mapping';
import { fixAll, onlyFix, spanEdit } from '../../../src/validation/fixAll';
import { validatePayload } from '../../../src/validation';

describe('validation: fix all', () => {
  it('applies every single-choice fix, including neighbours that share a comma, until none is left', () => {
    const text = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"x","meta":{"created":"2020-01-01T00:00:00Z"},"userName":"Ada@Contoso.com","active":"True","emails":[{"type":"work","value":"ada@contoso.com"}]}';
    const before = validatePayload(text).problems.filter((p) => p.fixes?.length === 1).length;
    assert.ok(before >= 3);
    const { text: fixed, applied } = fixAll(text, MURAL_MAPPING, onlyFix);
    assert.ok(applied >= before);
    const after = JSON.parse(fixed);
    assert.equal(after.userName, 'ada@contoso.com');
    assert.equal(after.active, true);
    assert.equal(after.id, undefined);
    assert.equal(validatePayload(fixed).problems.filter((p) => p.fixes?.length === 1).length, 0);
  });

  it('leaves text without fixable problems as it is', () => {
    const clean = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Eng"}';
    assert.deepEqual(fixAll(clean, MURAL_MAPPING, onlyFix), { text: clean, applied: 0 });
  });

  it('spanEdit is the one edit between two texts', () => {
    assert.deepEqual(spanEdit('abcXYZdef', 'abc12def'), { offset: 3, length: 3, newText: '12' });
    assert.deepEqual(spanEdit('same', 'same'), { offset: 4, length: 0, newText: '' });
  });
});
