// Baseline "SCIMMY": the SCIM server a Node developer would assemble instead of using the mock —
// SCIMMY 1.3.5 + scimmy-routers 1.3.2 on express 4, Users and Groups kept in in-memory Maps.
//   node bench/baselines/scimmy.mjs [--port 0] [--token T]
// Listens on 127.0.0.1 (port 0 = a free port) and prints its base URL (…/scim). Requests need
// `Authorization: Bearer <token>` (token from --token or SCIM_WORKBENCH_TOKEN, default "bench-token").
//
// The handlers follow SCIMMY's documented ingress/egress/degress contract. SCIMMY's docs leave userName
// uniqueness to a database unique index, so the only index here is a Map userName → id for that check;
// filters (`userName eq "…"`) go through SCIMMY's own Filter.match over all stored users, as documented.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    token: { type: 'string', default: process.env.SCIM_WORKBENCH_TOKEN ?? 'bench-token' },
  },
});

/**
 * One resource type's storage: resources by id, and one unique-key index (userName or displayName).
 * @param {string} uniqueAttribute
 */
function memoryStore(uniqueAttribute) {
  /** @type {Map<string, Record<string, unknown>>} */
  const byId = new Map();
  /** @type {Map<string, string>} */
  const idByKey = new Map();

  const claimKey = (key, id) => {
    const owner = idByKey.get(String(key).toLowerCase());
    if (owner !== undefined && owner !== id) {
      throw new SCIMMY.Types.Error(409, 'uniqueness', `${uniqueAttribute} "${key}" is already in use`);
    }
  };

  return {
    ingress(resource, instance) {
      const now = new Date().toISOString();
      const data = JSON.parse(JSON.stringify(instance));
      const key = data[uniqueAttribute];
      if (resource.id) {
        const existing = byId.get(resource.id);
        if (!existing) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
        claimKey(key, resource.id);
        idByKey.delete(String(existing[uniqueAttribute]).toLowerCase());
        const updated = { ...data, id: resource.id, meta: { created: existing.meta.created, lastModified: now } };
        byId.set(resource.id, updated);
        idByKey.set(String(key).toLowerCase(), resource.id);
        return updated;
      }
      claimKey(key, undefined);
      const id = randomUUID();
      const created = { ...data, id, meta: { created: now, lastModified: now } };
      byId.set(id, created);
      idByKey.set(String(key).toLowerCase(), id);
      return created;
    },
    egress(resource) {
      if (resource.id) {
        const found = byId.get(resource.id);
        if (!found) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
        return found;
      }
      const all = [...byId.values()];
      return resource.filter ? resource.filter.match(all) : all;
    },
    degress(resource) {
      const existing = byId.get(resource.id);
      if (!existing) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
      byId.delete(resource.id);
      idByKey.delete(String(existing[uniqueAttribute]).toLowerCase());
    },
  };
}

const users = memoryStore('userName');
const groups = memoryStore('displayName');

SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false))
  .ingress(users.ingress).egress(users.egress).degress(users.degress);
SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress(groups.ingress).egress(groups.egress).degress(groups.degress);

const expected = `Bearer ${values.token}`;
const app = express();
app.use('/scim', new SCIMMYRouters({
  type: 'bearer',
  handler: (request) => {
    if (request.header('Authorization') !== expected) throw new Error('Missing or wrong bearer token');
    return 'bench';
  },
}));

const server = app.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`SCIMMY baseline listening on http://127.0.0.1:${server.address().port}/scim\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
