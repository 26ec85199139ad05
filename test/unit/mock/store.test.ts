import * as assert from 'node:assert/strict';
import { URN } from '../../../src/scim/schemas';
import { checkRecord, DirectoryStore, type DirectoryRecord } from '../../../src/mock/store';

const at = (n: number) => `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`;

function userRec(seq: number, id: string, userName: string, extra: Record<string, unknown> = {}): DirectoryRecord {
  return {
    t: 'U', seq, at: at(seq), id, created: at(seq),
    data: { schemas: [URN.User], id, userName, emails: [{ type: 'work', value: userName }], ...extra },
  };
}

function groupRec(seq: number, id: string, displayName: string, extra: Partial<Extract<DirectoryRecord, { t: 'G' }>> = {}): DirectoryRecord {
  return { t: 'G', seq, at: at(seq), id, created: at(seq), data: { schemas: [URN.Group], id, displayName }, ...extra };
}

/** Everything observable about a store, for comparisons. */
function state(s: DirectoryStore) {
  return {
    seq: s.seq,
    users: [...s.users.values()].map((u) => ({ id: u.id, data: u.data, created: u.created, modified: u.modified, seq: u.seq, groups: [...(u.groups ?? [])], lost: [...(u.lost?.values() ?? [])] })),
    groups: [...s.groups.values()].map((g) => ({ id: g.id, data: g.data, created: g.created, modified: g.modified, seq: g.seq, members: [...g.members] })),
  };
}

describe('directory store', () => {
  let s: DirectoryStore;
  beforeEach(() => {
    s = new DirectoryStore();
    s.apply(userRec(1, 'u1', 'ada@example.com', { externalId: 'ext' }));
    s.apply(userRec(2, 'u2', 'alan@example.com', { externalId: 'ext' }));
    s.apply(userRec(3, 'u3', 'grace@example.com'));
    s.apply(groupRec(4, 'g1', 'Engineering', { members: ['u1', 'u2'] }));
  });

  it('indexes userName case-insensitively, emails, and a shared externalId', () => {
    assert.equal(s.userByUserName('ADA@example.com')?.id, 'u1');
    assert.deepEqual(s.usersByEmail('Alan@Example.com').map((u) => u.id), ['u2']);
    assert.deepEqual(s.candidates('User', 'externalId', 'ext')?.map((e) => e.id), ['u1', 'u2']);
    assert.deepEqual(s.candidates('User', 'externalId', 'EXT'), []);
    assert.deepEqual(s.candidates('User', 'userName', 'GRACE@example.com')?.map((e) => e.id), ['u3']);
    assert.deepEqual(s.candidates('User', 'id', 'u2')?.map((e) => e.id), ['u2']);
    assert.deepEqual(s.candidates('Group', 'displayName', 'engineering')?.map((e) => e.id), ['g1']);
    assert.deepEqual(s.candidates('Group', 'members.value', 'u2')?.map((e) => e.id), ['g1']);
    assert.equal(s.candidates('User', 'title', 'x'), undefined);
    assert.equal(s.candidates('User', 'userName', 42), undefined);
  });

  it('moves index keys when a user changes', () => {
    s.apply(userRec(5, 'u1', 'ada.lovelace@example.com'));
    assert.equal(s.userByUserName('ada@example.com'), undefined);
    assert.equal(s.userByUserName('ada.lovelace@example.com')?.id, 'u1');
    assert.deepEqual(s.usersByEmail('ada@example.com'), []);
    assert.deepEqual(s.candidates('User', 'externalId', 'ext')?.map((e) => e.id), ['u2']);
    assert.equal(s.users.get('u1')?.created, at(1));
    assert.equal(s.users.get('u1')?.modified, at(5));
  });

  it('keeps memberships in both directions and versions both sides', () => {
    assert.deepEqual([...s.users.get('u1')?.groups ?? []], ['g1']);
    s.apply({ t: 'G', seq: 6, at: at(6), id: 'g1', created: at(4), add: ['u3'], remove: ['u1'] });
    assert.deepEqual([...s.groups.get('g1')?.members ?? []], ['u2', 'u3']);
    assert.deepEqual([...s.users.get('u1')?.groups ?? []], []);
    assert.equal(s.users.get('u3')?.seq, 6);
    assert.equal(s.users.get('u1')?.seq, 6);
    assert.equal(s.groups.get('g1')?.seq, 6);
  });

  it('invalidates the cached JSON of members when a group is renamed, and of groups when a member is renamed', () => {
    for (const e of [...s.users.values(), ...s.groups.values()]) e.json = 'cached';
    s.apply(groupRec(7, 'g1', 'Engineering EMEA'));
    assert.equal(s.users.get('u1')?.json, undefined);
    assert.equal(s.users.get('u3')?.json, 'cached');
    assert.equal(s.groupByDisplayName('engineering'), undefined);
    assert.equal(s.groupByDisplayName('ENGINEERING emea')?.id, 'g1');
    s.groups.get('g1')!.json = 'cached';
    s.apply(userRec(8, 'u2', 'alan@example.com', { externalId: 'ext', displayName: 'Alan Turing' }));
    assert.equal(s.groups.get('g1')?.json, undefined);
  });

  it('records lost workspaces on deactivation and forgets one when the user is added back', () => {
    s.apply(groupRec(5, 'g2', 'Design', { members: ['u1'] }));
    const lost = [{ id: 'g1', displayName: 'Engineering', at: at(6) }, { id: 'g2', displayName: 'Design', at: at(6) }];
    s.apply({ ...userRec(6, 'u1', 'ada@example.com', { externalId: 'ext', active: false }), lost } as DirectoryRecord);
    assert.deepEqual([...s.groups.get('g1')?.members ?? []], ['u2']);
    assert.deepEqual([...s.groups.get('g2')?.members ?? []], []);
    assert.deepEqual([...s.users.get('u1')?.lost?.values() ?? []], lost);
    s.apply({ t: 'G', seq: 7, at: at(7), id: 'g2', created: at(5), add: ['u1'] });
    assert.deepEqual([...s.users.get('u1')?.lost?.keys() ?? []], ['g1']);
  });

  it('hard-deletes users and groups with their memberships', () => {
    s.apply({ t: 'D', seq: 5, at: at(5), rt: 'User', id: 'u1' });
    assert.equal(s.users.has('u1'), false);
    assert.equal(s.userByUserName('ada@example.com'), undefined);
    assert.deepEqual([...s.groups.get('g1')?.members ?? []], ['u2']);
    s.apply({ t: 'D', seq: 6, at: at(6), rt: 'Group', id: 'g1' });
    assert.deepEqual([...s.users.get('u2')?.groups ?? []], []);
    assert.equal(s.groupByDisplayName('Engineering'), undefined);
    s.apply({ t: 'R', seq: 7, at: at(7) });
    assert.equal(s.users.size + s.groups.size, 0);
    assert.equal(s.seq, 7);
  });

  it('restores an identical store from its snapshot', () => {
    s.apply({ ...userRec(5, 'u3', 'grace@example.com', { active: false }), lost: [{ id: 'gx', displayName: 'Gone', at: at(5) }] } as DirectoryRecord);
    s.apply(groupRec(6, 'g2', 'Design', { members: ['u2', 'u1'] }));
    const snap = s.snapshot(2);
    const copy = new DirectoryStore();
    let chunks = 0;
    for (const chunk of snap.chunks) {
      chunks++;
      for (const line of chunk.split('\n').filter((l) => l !== '')) copy.apply(checkRecord(JSON.parse(line)));
    }
    assert.equal(chunks, 3);
    assert.equal(snap.seq, 6);
    assert.deepEqual(state(copy), state(s));
    assert.equal(copy.userByUserName('ALAN@example.com')?.id, 'u2');
    assert.deepEqual([...copy.users.get('u1')?.groups ?? []], ['g1', 'g2']);
  });

  it('refuses records of the wrong shape', () => {
    assert.throws(() => checkRecord({ t: 'X', seq: 1, at: at(1) }), /unknown record type/);
    assert.throws(() => checkRecord({ t: 'U', at: at(1), id: 'u' }), /seq/);
    assert.throws(() => checkRecord({ t: 'U', seq: 1, at: at(1), id: 'u' }), /data/);
    assert.throws(() => checkRecord({ t: 'D', seq: 1, at: at(1), id: 'u', rt: 'Robot' }), /rt/);
    assert.doesNotThrow(() => checkRecord({ t: 'R', seq: 1, at: at(1) }));
  });
});
