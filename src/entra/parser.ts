// The parser of Entra's attribute-mapping expression language, as the Entra documentation writes it
// (learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data):
//
//   expr      := primary ( ("=" | "<>" | ">=" | "<=" | ">" | "<") primary )?
//   primary   := call | "[" attribute "]" | "\"" string "\"" | "-"? digits | "&H" hexdigits
//              | keyword (vbBinaryCompare, IgnoreAttributeFlow…) | "%" placeholder "%"
//   call      := name "(" [ arg ( "," arg )* ] ")"      arg := expr | <nothing> (an omitted argument)
//
// Inside strings only `\\` and `\"` are escapes; a backslash before anything else is kept (the Workday
// guide's `"\+(?<isdCode>…)"` works next to the documented `"\\+…"`). Every node and every error carries
// offsets into the text ([start, end)), so the editor can underline inside the JSON string.
import { counted, formatCount, LineIndex } from '../scim/text';

export const MAX_EXPRESSION_LENGTH = 10_000;
/** Deepest nesting of calls and comparisons read; deeper text is an error, never a stack overflow. */
export const MAX_EXPRESSION_DEPTH = 200;

export type CompareOp = '=' | '<>' | '>' | '>=' | '<' | '<=';

interface Span {
  /** Offset of the first character. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

export interface CallExpr extends Span {
  readonly kind: 'call';
  readonly name: string;
  readonly nameEnd: number;
  /** Offset of `(` and of `)`. */
  readonly open: number;
  readonly close: number;
  readonly args: readonly Arg[];
}
export interface AttributeExpr extends Span { readonly kind: 'attribute'; readonly name: string }
export interface StringExpr extends Span { readonly kind: 'string'; readonly value: string }
/** A bare integer (`3`, `-10`) or VB hex (`&HF7`); `value` is the decimal text. */
export interface NumberExpr extends Span { readonly kind: 'number'; readonly text: string; readonly value: string }
/** A bare word that is not a call (`vbTextCompare`, `IgnoreAttributeFlow`) or a cloud-sync `%Placeholder%`. */
export interface KeywordExpr extends Span { readonly kind: 'keyword'; readonly name: string }
export interface CompareExpr extends Span {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly opStart: number;
  readonly left: Expr;
  readonly right: Expr;
}
/** An omitted argument: `Switch([x], , "a", "b")`. Its span is the blank between the commas. */
export interface EmptyArg extends Span { readonly kind: 'empty' }

export type Expr = CallExpr | AttributeExpr | StringExpr | NumberExpr | KeywordExpr | CompareExpr;
export type Arg = Expr | EmptyArg;

export interface ExpressionError {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

export type ParseResult = { readonly ok: true; readonly expr: Expr } | { readonly ok: false; readonly error: ExpressionError };

/** "column 7", or "line 2, column 3" once the text has line breaks (LF, CRLF or CR, as the editor counts them). */
export function describePosition(text: string, offset: number): string {
  const { line, column } = new LineIndex(text).position(offset);
  return line === 0 ? `column ${column + 1}` : `line ${line + 1}, column ${column + 1}`;
}

class Fail extends Error {
  constructor(readonly error: ExpressionError) {
    super(error.message);
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Expr {
    this.skipSpace();
    if (this.pos >= this.text.length) {
      this.fail(0, this.text.length, 'The expression is empty: expected a function call such as Join(" ", [givenName], [surname]), an [attribute] or a "string".');
    }
    const expr = this.expr(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.unexpectedAfter(expr);
    return expr;
  }

  private fail(offset: number, length: number, message: string): never {
    throw new Fail({ message, offset, length });
  }

  private at(offset: number): string {
    return describePosition(this.text, offset);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** The token starting at pos, for messages: `"AND"`, `")"`, `the end of the expression`. */
  private found(): string {
    if (this.pos >= this.text.length) return 'the end of the expression';
    const c = this.text.charCodeAt(this.pos);
    if (isIdentPart(c)) {
      let e = this.pos;
      while (e < this.text.length && isIdentPart(this.text.charCodeAt(e))) e++;
      return `"${this.text.slice(this.pos, e)}"`;
    }
    return `"${this.text[this.pos]}"`;
  }

  private tokenLength(): number {
    if (this.pos >= this.text.length) return 0;
    let e = this.pos;
    if (isIdentPart(this.text.charCodeAt(e))) {
      while (e < this.text.length && isIdentPart(this.text.charCodeAt(e))) e++;
      return e - this.pos;
    }
    return 1;
  }

  private unexpectedAfter(expr: Expr): never {
    const word = this.found();
    if (word === '"AND"' || word === '"OR"' || word === '"And"' || word === '"Or"' || word === '"and"' || word === '"or"') {
      this.fail(this.pos, this.tokenLength(), `${word} at ${this.at(this.pos)}: the expression language has no AND or OR; nest IIF instead, e.g. IIF([country]="USA", IIF([state]="CA", "True", "False"), "False").`);
    }
    if (expr.kind === 'compare' && /^"(=|<|>)"$/.test(word)) {
      this.fail(this.pos, 1, `Unexpected ${word} at ${this.at(this.pos)}: one comparison at a time; compare the result of a nested IIF instead.`);
    }
    this.fail(this.pos, this.tokenLength(), `Unexpected ${word} at ${this.at(this.pos)}: the expression ended at ${this.at(expr.end - 1)}; combine values with a function such as Join or Append.`);
  }

  private expr(depth: number): Expr {
    if (depth >= MAX_EXPRESSION_DEPTH) {
      this.fail(this.pos, this.tokenLength(), `Calls nest more than ${MAX_EXPRESSION_DEPTH} deep at ${this.at(this.pos)}; the workbench reads no deeper.`);
    }
    const left = this.primary(depth);
    this.skipSpace();
    const op = this.compareOp();
    if (!op) return left;
    const opStart = this.pos;
    this.pos += op.length;
    this.skipSpace();
    if (this.atArgEnd()) {
      this.fail(opStart, op.length, `Expected a value after "${op}" at ${this.at(opStart)}: a comparison needs two sides, e.g. [country]="USA".`);
    }
    const right = this.primary(depth);
    return { kind: 'compare', op, opStart, left, right, start: left.start, end: right.end };
  }

  private atArgEnd(): boolean {
    const c = this.text[this.pos];
    return c === undefined || c === ',' || c === ')';
  }

  private compareOp(): CompareOp | undefined {
    const c = this.text[this.pos];
    const n = this.text[this.pos + 1];
    if (c === '=') return '=';
    if (c === '<') return n === '>' ? '<>' : n === '=' ? '<=' : '<';
    if (c === '>') return n === '=' ? '>=' : '>';
    return undefined;
  }

  private primary(depth: number): Expr {
    const start = this.pos;
    const c = this.text.charCodeAt(start);
    if (c === 91 /* [ */) return this.attribute();
    if (c === 34 /* " */) return this.string();
    if (isDigit(c) || (c === 45 /* - */ && isDigit(this.text.charCodeAt(start + 1)))) return this.number();
    if (c === 38 /* & */) return this.hex();
    if (c === 37 /* % */) return this.placeholder();
    if (isIdentStart(c)) {
      let e = start + 1;
      while (e < this.text.length && isIdentPart(this.text.charCodeAt(e))) e++;
      const name = this.text.slice(start, e);
      this.pos = e;
      this.skipSpace();
      if (this.text[this.pos] === '(') return this.call(name, start, e, depth);
      this.pos = e;
      return { kind: 'keyword', name, start, end: e };
    }
    if (c === 45) this.fail(start, 1, `Expected digits after "-" at ${this.at(start)}: only whole numbers such as -10 can be negative.`);
    if (start >= this.text.length) this.fail(start, 0, `Expected a value at ${this.at(start)} but the expression ends: a function call, an [attribute], a "string" or a number.`);
    const hint = c === 39 /* ' */ ? ' Strings use double quotes: "text".' : '';
    this.fail(start, this.tokenLength(), `Unexpected ${this.found()} at ${this.at(start)}: expected a function call, an [attribute], a "string" or a number.${hint}`);
  }

  private call(name: string, start: number, nameEnd: number, depth: number): CallExpr {
    const open = this.pos;
    this.pos++;
    const args: Arg[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      const close = this.pos++;
      return { kind: 'call', name, nameEnd, open, close, args, start, end: close + 1 };
    }
    for (;;) {
      const argStart = this.pos;
      this.skipSpace();
      if (this.atArgEnd() && this.pos < this.text.length) {
        args.push({ kind: 'empty', start: argStart, end: this.pos });
      } else if (this.pos >= this.text.length) {
        this.fail(open, 1, `Missing ")" to close ${name}( opened at ${this.at(start)}: the expression ends first.`);
      } else {
        args.push(this.expr(depth + 1));
        this.skipSpace();
      }
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ')') {
        const close = this.pos++;
        return { kind: 'call', name, nameEnd, open, close, args, start, end: close + 1 };
      }
      if (c === undefined) this.fail(open, 1, `Missing ")" to close ${name}( opened at ${this.at(start)}: the expression ends first.`);
      const last = args[args.length - 1];
      if (last.kind === 'compare' && (c === '=' || c === '<' || c === '>')) {
        this.fail(this.pos, 1, `Unexpected "${c}" at ${this.at(this.pos)}: one comparison at a time; compare the result of a nested IIF instead.`);
      }
      const word = this.found();
      if (/^"(AND|OR)"$/i.test(word)) {
        this.fail(this.pos, this.tokenLength(), `${word} at ${this.at(this.pos)}: the expression language has no AND or OR; nest IIF instead, e.g. IIF([country]="USA", IIF([state]="CA", "True", "False"), "False").`);
      }
      this.fail(this.pos, this.tokenLength(), `Unexpected ${word} at ${this.at(this.pos)}: expected "," before the next argument of ${name}( or ")" to close it (opened at ${this.at(start)}).`);
    }
  }

  private attribute(): AttributeExpr {
    const start = this.pos;
    const close = this.text.indexOf(']', start + 1);
    if (close === -1) {
      this.fail(start, 1, `The attribute opened with "[" at ${this.at(start)} is not closed: expected "]" after its name, e.g. [userPrincipalName].`);
    }
    const name = this.text.slice(start + 1, close);
    if (name.trim() === '') this.fail(start, close + 1 - start, `Empty attribute name at ${this.at(start)}: write the source attribute between the brackets, e.g. [mail].`);
    this.pos = close + 1;
    return { kind: 'attribute', name, start, end: close + 1 };
  }

  private string(): StringExpr {
    const start = this.pos;
    let value = '';
    let chunk = start + 1;
    for (let i = start + 1; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 92 /* \ */) {
        const n = this.text.charCodeAt(i + 1);
        if (n === 92 || n === 34) {
          value += this.text.slice(chunk, i);
          chunk = i + 1;
          i++;
        }
      } else if (c === 34) {
        value += this.text.slice(chunk, i);
        this.pos = i + 1;
        return { kind: 'string', value, start, end: i + 1 };
      }
    }
    this.fail(start, 1, `The string opened at ${this.at(start)} is not closed: expected a closing ". Write \\" for a quote inside the string and \\\\ for a backslash.`);
  }

  private number(): NumberExpr {
    const start = this.pos;
    let e = start + 1;
    while (e < this.text.length && isDigit(this.text.charCodeAt(e))) e++;
    if (e < this.text.length && (isIdentStart(this.text.charCodeAt(e)) || this.text[e] === '.')) {
      this.fail(start, e + 1 - start, `Unexpected "${this.text[e]}" in the number at ${this.at(start)}: numbers are whole (3, -10, &HF7); write other text as a "string".`);
    }
    this.pos = e;
    const text = this.text.slice(start, e);
    return { kind: 'number', text, value: text, start, end: e };
  }

  private hex(): NumberExpr {
    const start = this.pos;
    if (this.text[start + 1] !== 'H' && this.text[start + 1] !== 'h') {
      this.fail(start, 1, `Unexpected "&" at ${this.at(start)}: "&" only starts a VB hex number such as &HF7; join strings with Join or Append.`);
    }
    let e = start + 2;
    while (e < this.text.length && isHex(this.text.charCodeAt(e))) e++;
    if (e === start + 2) this.fail(start, 2, `Expected hex digits after "&H" at ${this.at(start)}, e.g. &HF7.`);
    this.pos = e;
    const text = this.text.slice(start, e);
    return { kind: 'number', text, value: BigInt('0x' + text.slice(2)).toString(), start, end: e };
  }

  private placeholder(): KeywordExpr {
    const start = this.pos;
    let e = start + 1;
    while (e < this.text.length && isIdentPart(this.text.charCodeAt(e))) e++;
    if (e === start + 1 || this.text[e] !== '%') {
      this.fail(start, e - start, `Unexpected "%" at ${this.at(start)}: "%" only surrounds a cloud-sync placeholder such as %DomainFQDN%.`);
    }
    this.pos = e + 1;
    return { kind: 'keyword', name: this.text.slice(start, e + 1), start, end: e + 1 };
  }
}

/** Parses an expression; never throws on any input. */
export function parseExpression(text: string): ParseResult {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return {
      ok: false,
      error: {
        message: `The expression is ${counted(text.length, 'character')} long; Entra accepts at most ${formatCount(MAX_EXPRESSION_LENGTH)}.`,
        offset: MAX_EXPRESSION_LENGTH,
        length: text.length - MAX_EXPRESSION_LENGTH,
      },
    };
  }
  try {
    return { ok: true, expr: new Parser(text).parse() };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, error: e.error };
    throw e;
  }
}
