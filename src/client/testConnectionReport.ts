// The full Test Connection report as Markdown: the verdict, what to fix, then each probe's request and
// response exactly as sent and received (already redacted by the client).
import type { ProbeReport, TestConnectionResult } from './testConnection';
import { fence, prettyJson } from './text';

function probeSection(p: ProbeReport, n: number): string {
  const verdict = p.skipped ? 'not sent' : p.ok ? 'passed' : 'FAILED';
  const out = [`## ${n}. ${p.request.method} /${p.name} — ${verdict}`, '', p.summary, ''];
  if (p.explanation) out.push(`**What to do:** ${p.explanation}`, '');
  for (const w of p.warnings) out.push(`> Warning: ${w}`, '');
  out.push('Request:', '', fence('http', [
    `${p.request.method} ${p.request.url}`,
    ...Object.entries(p.request.headers).map(([k, v]) => `${k}: ${v}`),
  ].join('\n')), '');
  if (p.response) {
    const r = p.response;
    out.push(`Response after ${Math.round(r.durationMs)} ms${r.retryAfterSeconds !== undefined ? ` (Retry-After: ${r.retryAfterSeconds} s)` : ''}:`, '');
    const body = prettyJson(r.body);
    out.push(fence('http', [
      `HTTP/1.1 ${r.status} ${r.statusText}`.trimEnd(),
      ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`),
      ...(body ? ['', body] : []),
    ].join('\n')), '');
  } else if (p.error) {
    out.push(`No HTTP answer (${p.error.kind}${p.error.tlsProblem ? `, ${p.error.tlsProblem}` : ''}): ${p.error.message}`, '');
  }
  return out.join('\n');
}

/** The report document's text. `name` is the connection's name; `at` when the test ran. */
export function renderTestReport(name: string, result: TestConnectionResult, at: Date): string {
  const failed = result.probes.find((p) => !p.ok && !p.skipped);
  const lines = [
    `# Test Connection: ${name}`,
    '',
    result.ok ? '**Passed:** /Users and /Groups answered Entra\'s probes as Entra expects.' : `**Failed:** ${result.summary}`,
    '',
    `- Tenant URL: \`${result.tenantUrl}\``,
    `- Entra's \`aadOptscim062020\` flag: ${result.aadOptscim062020
      ? 'on — Entra sends RFC-compliant PATCH requests (lower-case ops, path-less replace)'
      : 'off — Entra sends its default PATCH shapes (capitalised ops, one operation per attribute)'}`,
    `- Run at ${at.toISOString()}, took ${Math.round(result.durationMs)} ms`,
    '',
    'These are the probes Microsoft Entra sends when you select **Test Connection** on the provisioning page: ' +
      'a `userName eq "<random GUID>"` filter on /Users, then a `displayName eq` filter on /Groups. ' +
      'Each must answer 200 with an empty ListResponse.',
    '',
  ];
  if (!result.ok) {
    lines.push('## What to fix', '', failed?.explanation ?? result.summary, '');
  }
  if (result.warnings.length) {
    lines.push('## Warnings', '', ...result.warnings.map((w) => `- ${w}`), '');
  }
  result.probes.forEach((p, i) => lines.push(probeSection(p, i + 1)));
  lines.push('---', '', 'Tokens are shown as `***`: they never appear in reports, logs or history.', '');
  return lines.join('\n');
}
