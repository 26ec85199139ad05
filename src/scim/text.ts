// Text helpers every layer shares: offsets to lines and columns, JSON's string escapes, and counts of things.
// One definition each, so the CLI, the editor and the .http parser agree on where a line ends, what "\u00e9"
// means and how "1,000 users" is written.

/**
 * Line starts of a text, for offset → 0-based line and UTF-16 column (what editors count). A line ends at LF,
 * CRLF or a lone CR, as VS Code's TextDocument does (https://code.visualstudio.com/api/references/vscode-api#EndOfLine
 * covers LF and CRLF; a lone CR also breaks a line in VS Code's editor).
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The offset where 0-based `line` starts. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))] as number;
  }

  /** The offset where 0-based `line`'s text ends: before its line break, or at the end of the text. */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    const next = this.starts[line + 1] as number;
    return next - (this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 ? 2 : 1);
  }

  /** 0-based line and column of `offset` (clamped to the text), by binary search. */
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: o - (this.starts[lo] as number) };
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * The JSON escape (RFC 8259 §7) whose backslash is at `at`: what it stands for and how many characters it takes
 * (2, or 6 for \uXXXX), or undefined when it is not one; each caller reports that its own way.
 */
export function decodeJsonEscape(text: string, at: number): { readonly value: string; readonly length: number } | undefined {
  const e = text[at + 1];
  if (e === undefined) return undefined;
  if (e === 'u') {
    const hex = text.slice(at + 2, at + 6);
    return /^[0-9a-fA-F]{4}$/.test(hex) ? { value: String.fromCharCode(parseInt(hex, 16)), length: 6 } : undefined;
  }
  const value = SIMPLE_ESCAPES[e];
  return value === undefined ? undefined : { value, length: 2 };
}

// en-US digit grouping whatever the machine's locale: the CLI's output and the editor's texts read the same
// everywhere (and tests can assert them).
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** A count as every layer shows it: `7`, `1,000`, `20,000`. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

/**
 * The word that goes with `n`: `singular` for exactly 1, else `pluralForm` (by default `singular` + "s"). For a
 * word apart from its number ("2 requests and responses"), or a verb that agrees with it ("is" / "are").
 */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return n === 1 ? singular : pluralForm;
}

/** `n` things: `counted(1, 'user')` → "1 user", `counted(1000, 'user')` → "1,000 users", `counted(2, 'entry', 'entries')`. */
export function counted(n: number, singular: string, pluralForm?: string): string {
  return `${formatCount(n)} ${plural(n, singular, pluralForm)}`;
}
