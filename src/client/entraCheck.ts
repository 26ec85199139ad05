// The Entra provisioning check: replays a whole Entra provisioning cycle against any SCIM endpoint — Test
// Connection, create, match, both PATCH shapes, groups and memberships, disable and enable with string
// booleans, deletes, and the error answers Entra relies on — with MURAL's documented rules on top when asked.
// Every step keeps its (redacted) requests and responses and a verdict explaining what Entra would do with the
// answer. Names are unique to the run, and whatever the run created is deleted at the end, even after a
// failure or a cancel. No vscode here: the CLI and the extension both call runEntraCheck.
import { HttpClient, type Connection } from './http';
import { HttpError, type HttpErrorKind } from './httpError';
import { redactUrl, secretsOf } from './redact';
import { parseTenantUrl } from './tenantUrl';
import { makeNames, randomSuffix } from './entraCheck/names';
import { fail, skip, Session, type Outcome } from './entraCheck/session';
import { NEED_TEXT, newState, STEPS, type RunState, type StepContext, type StepDef } from './entraCheck/steps';
import type { CheckReport, CheckStep, EntraCheckOptions, RuleSet, StepId } from './entraCheck/types';

export type {
  CheckReport, CheckStep, EntraCheckOptions, Exchange, ExchangeRequest, ExchangeResponse, RuleSet, StepId, StepProgress, Verdict,
} from './entraCheck/types';
export { emailDomainProblem } from './entraCheck/names';
export {
  formatJson, formatJUnit, formatMarkdown, formatReport, formatText, REPORT_FORMATS, verdictLine, type ReportFormat,
} from './entraCheck/format';

export const DEFAULT_EMAIL_DOMAIN = 'example.com';
export const RULE_SETS: readonly RuleSet[] = ['mural', 'scim'];

/** Failures after which the endpoint will not answer the next request either. */
const UNREACHABLE: ReadonlySet<HttpErrorKind> = new Set(['invalidUrl', 'dns', 'refused', 'tls', 'proxy']);

/** The steps a run with `rules` goes through, in order (cleanup last). */
export function plannedSteps(rules: RuleSet): readonly { readonly id: StepId; readonly title: string; readonly entra: string }[] {
  return STEPS.filter((s) => !s.mural || rules === 'mural').map(({ id, title, entra }) => ({ id, title, entra }));
}

/** Why `def` cannot run now, as a skip; undefined when it can. */
function blocked(def: StepDef, state: RunState): Outcome | undefined {
  if (state.halt && !def.always) return skip(state.halt, 'Fix the failure above and run the check again.');
  for (const need of def.needs ?? []) {
    if (state.have.has(need)) continue;
    const by = state.steps.find((s) => s.id === state.lostBy.get(need));
    const why = by ? `, and "${by.title}" ${by.verdict === 'skip' ? 'did not run' : 'failed'}` : '';
    return skip(`Not run: it needs ${NEED_TEXT[need]}${why}.`, by ? `See "${by.title}".` : '');
  }
  return undefined;
}

async function runStep(def: StepDef, ctx: StepContext): Promise<{ outcome: Outcome; cancelled: boolean }> {
  try {
    return { outcome: await def.run(ctx), cancelled: false };
  } catch (e) {
    if (e instanceof HttpError) {
      if (e.kind === 'aborted') return { outcome: skip('Cancelled while this step was running.', 'The check was cancelled.'), cancelled: true };
      if (UNREACHABLE.has(e.kind)) ctx.state.halt = `Not run: the endpoint could not be reached at "${def.title}" (${e.summary}).`;
      return {
        outcome: fail(`No answer: ${e.summary}`, `${e.hint ? `${e.hint} ` : ''}Entra counts a request without an answer as failed and retries it in the next cycle.`),
        cancelled: false,
      };
    }
    const message = e instanceof Error ? e.message : String(e);
    return {
      outcome: fail(`The check could not judge this answer: ${message}`,
        'This is a bug in SCIM Workbench\'s check, not necessarily in the endpoint: the step\'s requests and responses are below; please report it.'),
      cancelled: false,
    };
  }
}

/**
 * Replays Entra's provisioning cycle against `connection` and judges every answer. Throws TenantUrlError for an
 * unusable tenant URL and RangeError for bad options before sending anything; otherwise resolves with the
 * report (network failures and cancellation are verdicts in it). The cleanup step always runs last.
 */
export async function runEntraCheck(connection: Connection, options: EntraCheckOptions = {}): Promise<CheckReport> {
  const rules = options.rules ?? 'mural';
  if (!RULE_SETS.includes(rules)) throw new RangeError(`The rule set must be "mural" or "scim", not "${String(rules)}".`);
  const tenant = parseTenantUrl(connection.tenantUrl);
  const names = makeNames(rules, options.suffix ?? randomSuffix(), options.emailDomain ?? DEFAULT_EMAIL_DOMAIN);
  const plan = STEPS.filter((s) => !s.mural || rules === 'mural');
  const client = options.client ?? new HttpClient(options.network);
  const session = new Session(client, connection, tenant, options.timeoutMs, options.signal);
  const state = newState();
  const ctx: StepContext = {
    session, rules, names, state,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.workspaceAdmin ? { workspaceAdmin: options.workspaceAdmin } : {}),
  };
  const startedAt = new Date();
  const started = performance.now();
  let cancelled = false;

  const execute = async (def: StepDef, index: number, notify: boolean): Promise<void> => {
    const progress = { index, total: plan.length, id: def.id, title: def.title };
    if (notify) options.onStep?.(progress);
    const t0 = performance.now();
    if (options.signal?.aborted && def.id !== 'cleanup') cancelled = true;
    let outcome = cancelled && def.id !== 'cleanup' ? skip('Cancelled before this step.', 'The check was cancelled.') : blocked(def, state);
    if (!outcome) {
      const ran = await runStep(def, ctx);
      outcome = ran.outcome;
      if (ran.cancelled) cancelled = true;
    }
    for (const need of def.provides ?? []) if (!state.have.has(need) && !state.lostBy.has(need)) state.lostBy.set(need, def.id);
    const step: CheckStep = {
      id: def.id, index, title: def.title, entra: def.entra, exchanges: session.take(),
      durationMs: performance.now() - t0, ...outcome,
    };
    state.steps.push(step);
    if (notify) options.onStep?.({ ...progress, result: step });
  };

  let thrown: { error: unknown } | undefined;
  try {
    for (const [i, def] of plan.entries()) {
      if (def.id !== 'cleanup') await execute(def, i + 1, true);
    }
  } catch (error) {
    thrown = { error };
  }
  try {
    // After a caller's exception the cleanup still runs, but without calling the caller back.
    await execute(plan[plan.length - 1], plan.length, !thrown);
  } finally {
    if (!options.client) await client.close();
  }
  if (thrown) throw thrown.error;

  const count = (v: CheckStep['verdict']) => state.steps.filter((s) => s.verdict === v).length;
  return {
    target: redactUrl(tenant.normalized, secretsOf([connection.token])),
    rules,
    aadOptscim062020: tenant.aadOptscim062020,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    steps: state.steps,
    passed: count('pass'),
    failed: count('fail'),
    warnings: count('warn'),
    skipped: count('skip'),
    cancelled,
  };
}
