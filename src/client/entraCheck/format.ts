// The check's report as text (terminals), JSON (tools), JUnit XML (CI test reports) and Markdown (the VS Code
// report document, support tickets). Reports hold only redacted exchanges, so no format can show a token.
import { fence, prettyJson } from '../text';
import { counted, plural } from '../../scim/text';
import type { CheckReport, CheckStep, Exchange, Verdict } from './types';

export type ReportFormat = 'text' | 'json' | 'junit' | 'markdown';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'junit', 'markdown'];

const MARK: Readonly<Record<Verdict, string>> = { pass: '✔', fail: '✘', warn: '!', skip: '-' };
const WORD: Readonly<Record<Verdict, string>> = { pass: 'passed', fail: 'FAILED', warn: 'warning', skip: 'skipped' };

function ms(n: number): string {
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`;
}

function rulesText(report: CheckReport): string {
  return report.rules === 'mural' ? 'MURAL rules' : 'generic SCIM rules';
}

/** `27 passed, 1 failed, 0 warnings, 2 skipped`. */
export function tally(report: CheckReport): string {
  return `${report.passed} passed, ${report.failed} failed, ${counted(report.warnings, 'warning')}, ${report.skipped} skipped`;
}

/** One line for messages: the outcome and the counts. */
export function verdictLine(report: CheckReport): string {
  const outcome = report.cancelled ? 'Cancelled' : report.failed > 0 ? 'Failed' : 'Passed';
  return `${outcome}: ${tally(report)} of ${counted(report.steps.length, 'step')} in ${ms(report.durationMs)}.`;
}

function requestText(e: Exchange): string {
  const r = e.request;
  const body = r.body !== undefined ? prettyJson(r.body) : '';
  return [`${r.method} ${r.url}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`), ...(body ? ['', body] : [])].join('\n');
}

function responseText(e: Exchange): string {
  if (!e.response) return `No answer (${e.error?.kind ?? 'error'}): ${e.error?.message ?? ''}`;
  const r = e.response;
  const body = prettyJson(r.body);
  return [
    `HTTP/1.1 ${r.status} ${r.statusText}`.trimEnd(),
    ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`),
    ...(body ? ['', body] : []),
    ...(r.bodyTruncated ? ['', '[body truncated]'] : []),
  ].join('\n');
}

/** An exchange as plain text: the request, a blank line, the response. */
export function exchangeText(e: Exchange): string {
  return `${requestText(e)}\n\n${responseText(e)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Text

/** A step per line (✔ ✘ ! -), with the summary and explanation under failures and warnings. */
export function formatText(report: CheckReport): string {
  const width = String(report.steps.length).length;
  const lines = [`Entra provisioning check of ${report.target} (${rulesText(report)})`, ''];
  for (const s of report.steps) {
    const head = `${MARK[s.verdict]} ${String(s.index).padStart(width)}. ${s.title}`;
    if (s.verdict === 'skip') {
      lines.push(`${head} — ${s.summary}`);
    } else if (s.verdict === 'pass') {
      lines.push(`${head} (${ms(s.durationMs)})`);
    } else {
      lines.push(`${head} (${ms(s.durationMs)})`, `    ${s.summary}`, ...(s.explanation ? [`    ${s.explanation}`] : []));
    }
  }
  lines.push('', verdictLine(report));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// JSON

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// JUnit XML

/** Characters XML 1.0 cannot hold at all (controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
function xmlSafe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function xmlEscape(s: string): string {
  return xmlSafe(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&apos;' })[c] as string);
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('');
}

function seconds(n: number): string {
  return (n / 1000).toFixed(3);
}

function details(s: CheckStep): string {
  return [s.summary, '', s.explanation, '', `Entra: ${s.entra}`, ...s.exchanges.flatMap((e) => ['', '----', exchangeText(e)])].join('\n');
}

/** One <testsuite> with a <testcase> per step: <failure> with the explanation and exchanges, <skipped>, warnings in <system-out>. */
export function formatJUnit(report: CheckReport): string {
  const totals = { tests: report.steps.length, failures: report.failed, errors: 0, skipped: report.skipped, time: seconds(report.durationMs) };
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'Entra provisioning check', ...totals })}>`,
    `  <testsuite${attrs({ name: `Entra provisioning check (${rulesText(report)}): ${report.target}`, ...totals, timestamp: report.startedAt.slice(0, 19) })}>`,
    '    <properties>',
    ...Object.entries({ target: report.target, rules: report.rules, aadOptscim062020: String(report.aadOptscim062020), cancelled: String(report.cancelled) })
      .map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
  ];
  for (const s of report.steps) {
    const open = `    <testcase${attrs({ classname: `entra-check.${report.rules}`, name: `${String(s.index).padStart(2, '0')} ${s.id}: ${s.title}`, time: seconds(s.durationMs) })}`;
    if (s.verdict === 'pass') {
      out.push(`${open}/>`);
    } else if (s.verdict === 'skip') {
      out.push(`${open}>`, `      <skipped${attrs({ message: s.summary })}/>`, '    </testcase>');
    } else if (s.verdict === 'fail') {
      out.push(`${open}>`, `      <failure${attrs({ message: s.summary, type: s.id })}>${xmlEscape(details(s))}</failure>`, '    </testcase>');
    } else {
      out.push(`${open}>`, `      <system-out>${xmlEscape(`Warning: ${details(s)}`)}</system-out>`, '    </testcase>');
    }
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Markdown

/** The anchor VS Code's Markdown preview and GitHub give a heading. */
export function headingSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Prose from servers may hold HTML or Markdown: shown as text. */
function prose(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, '\\$&');
}

function stepHeading(s: CheckStep): string {
  return `${s.index}. ${s.title}`;
}

function exchangesMarkdown(s: CheckStep): string[] {
  const out: string[] = [];
  s.exchanges.forEach((e, i) => {
    const n = s.exchanges.length > 1 ? ` ${i + 1}` : '';
    out.push(`Request${n}:`, '', fence('http', requestText(e)), '');
    out.push(e.response ? `Response${n} after ${ms(e.response.durationMs)}:` : `No answer${n}:`, '', fence('http', responseText(e)), '');
  });
  return out;
}

/** The report document: verdict, what failed with links, a summary table, then every step with its requests and responses. */
export function formatMarkdown(report: CheckReport, options: { readonly title?: string } = {}): string {
  const link = (s: CheckStep) => `[${prose(s.title)}](#${headingSlug(stepHeading(s))})`;
  const lines = [
    `# Entra provisioning check: ${prose(options.title ?? report.target)}`,
    '',
    `**${verdictLine(report)}**`,
    '',
    `- Tenant URL: \`${report.target}\``,
    `- Rules: ${report.rules === 'mural'
      ? 'MURAL — what Entra needs, plus MURAL\'s documented rules (lowercasing, no digits in names, workspaces lost on deactivation)'
      : 'generic SCIM — what Entra needs from any SCIM endpoint'}`,
    `- Entra's \`aadOptscim062020\` flag: ${report.aadOptscim062020 ? 'on' : 'off'} (the check sends both PATCH shapes either way)`,
    `- Started ${report.startedAt}, took ${ms(report.durationMs)}${report.cancelled ? ' — cancelled: the steps not reached were skipped, the cleanup ran' : ''}`,
    '',
    'Each step replays requests exactly as Microsoft Entra\'s provisioning service sends them, in its order, and judges the answer as Entra would. ' +
      'The test users and group have names unique to this run and are deleted at the end.',
    '',
  ];
  const problems = report.steps.filter((s) => s.verdict === 'fail' || s.verdict === 'warn');
  if (problems.length) {
    lines.push('## What to fix', '');
    for (const s of problems) lines.push(`- ${s.verdict === 'fail' ? '✘' : '!'} ${link(s)}: ${prose(s.summary)}`);
    lines.push('');
  }
  lines.push('## Steps', '', '| # | Step | Verdict | Time |', '|---:|---|---|---:|');
  for (const s of report.steps) {
    lines.push(`| ${s.index} | ${link(s)} | ${MARK[s.verdict]} ${WORD[s.verdict]} | ${s.verdict === 'skip' ? '' : ms(s.durationMs)} |`);
  }
  lines.push('');
  for (const s of report.steps) {
    lines.push(`## ${prose(stepHeading(s))}`, '', `**${MARK[s.verdict]} ${WORD[s.verdict]}** — ${prose(s.summary)}`, '');
    if (s.explanation) lines.push(prose(s.explanation), '');
    lines.push(`*What Entra does:* ${prose(s.entra)}`, '');
    if (s.exchanges.length === 0) continue;
    if (s.verdict === 'fail' || s.verdict === 'warn') {
      lines.push(...exchangesMarkdown(s));
    } else {
      lines.push('<details>', `<summary>${counted(s.exchanges.length, 'request')} and ${plural(s.exchanges.length, 'response')}</summary>`, '',
        ...exchangesMarkdown(s), '</details>', '');
    }
  }
  lines.push('---', '', 'Tokens are shown as `***`: they never appear in reports.', '');
  return lines.join('\n');
}

export function formatReport(report: CheckReport, format: ReportFormat, options: { readonly title?: string } = {}): string {
  switch (format) {
    case 'json': return formatJson(report);
    case 'junit': return formatJUnit(report);
    case 'markdown': return formatMarkdown(report, options);
    default: return formatText(report);
  }
}
