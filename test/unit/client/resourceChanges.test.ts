import * as assert from 'node:assert/strict';
import { resourceChanges } from '../../../src/client/resourceChanges';

describe('client/resourceChanges', () => {
  it('lists what the server dropped and what it changed, by attribute path', () => {
    const sent = { schemas: ['x'], userName: 'Ada@Contoso.com', name: { givenName: 'Ada', familyName: 'Kim2' }, nickName: 'ada', emails: [{ value: 'Ada@Contoso.com' }], active: true };
    const answer = { schemas: ['x', 'y'], userName: 'ada@contoso.com', name: { givenName: 'Ada' }, emails: [{ value: 'ada@contoso.com' }], active: true, meta: { version: 'W/"2"' } };
    assert.deepEqual(resourceChanges(sent, answer), { dropped: ['name.familyName', 'nickName'], changed: ['userName', 'emails'] });
  });

  it('matches attribute names case-insensitively and ignores meta, schemas and nulls', () => {
    assert.deepEqual(resourceChanges({ UserName: 'a', meta: { version: '1' }, title: null }, { userName: 'a' }), { dropped: [], changed: [] });
    assert.deepEqual(resourceChanges('not an object', {}), { dropped: [], changed: [] });
  });
});
