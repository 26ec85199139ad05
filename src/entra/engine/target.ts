// The SCIM endpoint a provisioning job writes to, over the same HTTP client and exchange recorder as the
// Entra provisioning check: tokens redacted in every recorded exchange, Entra's ?aadOptscim062020 flag read
// from the tenant URL and never sent.
import { Session } from '../../client/entraCheck/session';
import type { Connection, HttpClient } from '../../client/http';
import { parseTenantUrl } from '../../client/tenantUrl';
import type { CycleTarget } from './cycle';

export interface HttpTargetOptions {
  /** Per request. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Cancels the request in flight; the cycle then stops cleanly. */
  readonly signal?: AbortSignal;
}

/** A target on `connection`; throws TenantUrlError for an unusable tenant URL. */
export function httpTarget(client: HttpClient, connection: Connection, options: HttpTargetOptions = {}): CycleTarget {
  const tenant = parseTenantUrl(connection.tenantUrl);
  return {
    aadOptscim062020: tenant.aadOptscim062020,
    session: () => new Session(client, connection, tenant, options.timeoutMs, options.signal),
  };
}
