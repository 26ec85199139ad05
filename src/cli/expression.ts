// scim-workbench expression: evaluate one Entra attribute-mapping expression against a source object, offline.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { evaluate, parseExpression, toMappingSource, type EvalOptions } from '../entra';
import { CliError, parseOptions, type CliCommand } from './command';
import type { LintIo } from './lint';

const HELP = `Usage: scim-workbench expression '<expression>' [options]

Evaluates an Entra attribute-mapping expression the way Entra's provisioning service does, for one source
object, and prints the value and the flow outcome.

Options:
  --input JSON|@FILE      the source object: {"userPrincipalName":"Ada@Contoso.com","IsSoftDeleted":false}
                          (booleans read as "True"/"False", arrays as multi-valued attributes); @FILE reads a file
  --format text|json      text (default) or {"ok":true,"value":…,"flow":…,"parsed":<attributeMappingSource>}
                          / {"ok":false,"error":{"message":…,"offset":…,"length":…}}
  --now ISO-DATE          the time Now() returns (default: the clock)
  --default-domain NAME   what DefaultDomain() returns
  -h, --help              this help

Flow: value (the attribute flows), none (null: it does not flow; a mapping's default value applies on create),
ignoreAttribute (left out of the request), ignoreObject (the object is not provisioned).
Exit code: 0 when it evaluated, 1 on a parse or evaluation error, 2 on usage errors.
The language is described in docs/entra-expressions.md.`;

async function readInput(io: LintIo, input: string | undefined): Promise<Record<string, unknown>> {
  if (input === undefined) return {};
  let text = input;
  if (input.startsWith('@')) {
    const file = resolve(io.cwd, input.slice(1));
    text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new CliError(`Cannot read ${input.slice(1)}: ${e.code === 'ENOENT' ? 'it does not exist' : e.message}.`);
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`--input is not valid JSON: ${(e as Error).message}. Give an object such as {"userPrincipalName":"Ada@Contoso.com"}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('--input must be a JSON object of source attributes, such as {"userPrincipalName":"Ada@Contoso.com"}.');
  }
  return value as Record<string, unknown>;
}

/** The expression text with a caret line under [offset, offset + length), for terminals. */
function pointAt(text: string, offset: number, length: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  if (line.length > 200) return '';
  const col = offset - lineStart;
  return `  ${line}\n  ${' '.repeat(col)}${'^'.repeat(Math.max(1, Math.min(length, line.length - col)))}\n`;
}

export function createExpressionCommand(io: LintIo): CliCommand {
  return {
    name: 'expression',
    summary: 'Evaluate an Entra attribute-mapping expression for a source object',
    help: HELP,
    async run(args: string[]): Promise<number> {
      const { values, positionals } = parseOptions('expression', args, {
        input: { type: 'string' },
        format: { type: 'string', default: 'text' },
        now: { type: 'string' },
        'default-domain': { type: 'string' },
      }, true);
      const format = values.format as string;
      if (format !== 'text' && format !== 'json') throw new CliError(`--format must be text or json, not "${format}".`);
      if (positionals.length !== 1) throw new CliError(`Give exactly one expression (quote it for the shell), e.g. scim-workbench expression 'ToLower([userPrincipalName])'; got ${positionals.length}.\nRun "scim-workbench expression --help" for the options.`);
      const text = positionals[0];
      let now: number | undefined;
      if (values.now !== undefined) {
        now = Date.parse(values.now as string);
        if (Number.isNaN(now)) throw new CliError(`--now must be an ISO 8601 date such as 2024-05-01T12:00:00Z, not "${values.now as string}".`);
      }
      const source = await readInput(io, values.input as string | undefined);
      const options: EvalOptions = {
        ...(now !== undefined ? { now: () => now } : {}),
        ...(values['default-domain'] !== undefined ? { defaultDomain: values['default-domain'] as string } : {}),
      };
      const parsed = parseExpression(text);
      const outcome = parsed.ok ? evaluate(parsed.expr, source, options) : { flow: 'error' as const, error: parsed.error };
      if (outcome.flow === 'error') {
        const e = outcome.error;
        if (format === 'json') io.stdout.write(`${JSON.stringify({ ok: false, error: { message: e.message, offset: e.offset, length: e.length } })}\n`);
        else io.stderr.write(`error at offset ${e.offset}: ${e.message}\n${pointAt(text, e.offset, e.length)}`);
        return 1;
      }
      if (format === 'json') {
        const tree = parsed.ok ? toMappingSource(parsed.expr, text) : undefined;
        const value = outcome.flow === 'value' ? outcome.value : null;
        io.stdout.write(`${JSON.stringify({ ok: true, value, flow: outcome.flow, ...(outcome.flow === 'value' && outcome.redacted ? { redacted: true } : {}), parsed: tree?.ok ? tree.value : null })}\n`);
      } else if (outcome.flow === 'value') {
        io.stdout.write(`${typeof outcome.value === 'string' ? outcome.value : JSON.stringify(outcome.value)}\n`);
        io.stderr.write(`flow: value${outcome.redacted ? ' (redacted in provisioning logs)' : ''}\n`);
      } else {
        const why = { none: 'null: the attribute does not flow (a default value applies on create)', ignoreAttribute: 'the attribute is left out of the request', ignoreObject: 'the object is not provisioned' }[outcome.flow];
        io.stderr.write(`flow: ${outcome.flow} — ${why}\n`);
      }
      return 0;
    },
  };
}

export const expressionCommand: CliCommand = createExpressionCommand({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
