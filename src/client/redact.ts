// Secrets never leave the client: every string, URL and header map a caller can see, log or store goes
// through these helpers first. A secret is replaced wherever it occurs: raw, JSON-escaped (PHP's `\/`, `\u`
// escapes), URL-encoded or base64-encoded. A short one (a test token such as `t`) only where it stands alone,
// since inside words it would mangle every body it touches (`"schemas"`).

/** What a secret is replaced with. */
export const REDACTED = '***';

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * The list of strings to hide, from tokens and credentials: each non-empty value plus the forms it takes when
 * an endpoint echoes it URL-encoded or base64-encoded (alone, or inside a longer base64 text such as a Basic credential),
 * longest first so that a longer secret is never left half-replaced by a shorter one inside it. redact() finds
 * each also JSON- and URL-escaped.
 */
export function secretsOf(values: Iterable<string | undefined>): string[] {
  const set = new Set<string>();
  for (const v of values) {
    if (!v) continue;
    set.add(v);
    set.add(encodeURIComponent(v));
    set.add(encodeURIComponent(v).replace(/%20/g, '+'));
    for (const b of base64Forms(v)) set.add(b);
  }
  return [...set].sort((a, b) => b.length - a.length);
}

/**
 * The base64 and base64url text of `secret` wherever it sits in the encoded bytes: for each of the three
 * alignments, the characters that depend on the secret's bytes alone (the ones that mix in a neighbour's
 * bits are left out). Only secrets long enough to leave a distinctive middle.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < 9) return [];
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const text = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    const from = shift === 0 ? 0 : 4;
    const whole = Math.floor((shift + bytes.length) / 3) * 4;
    const inner = text.slice(from, whole);
    if (inner.length >= 8) out.push(inner, inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

const hexClass = (n: number) => n.toString(16).toUpperCase().padStart(2, '0').split('').map((d) => (/[A-F]/.test(d) ? `[${d}${d.toLowerCase()}]` : d)).join('');

/**
 * A pattern for `secret` as an echo may spell it: each character raw, JSON-escaped (`\/`, `\u002B`, with the
 * backslashes doubled as in JSON inside JSON), or URL-encoded (`%2B`, `%252B`, `+` for a space).
 */
function secretPattern(secret: string): RegExp {
  let source = '';
  for (const ch of secret) {
    const alternatives = [ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')];
    let units = '';
    for (let i = 0; i < ch.length; i++) units += `\\\\+u${hexClass(ch.charCodeAt(i) >> 8)}${hexClass(ch.charCodeAt(i) & 255)}`;
    alternatives.push(units);
    if (ch === '/') alternatives.push('\\\\+/');
    if (ch === ' ') alternatives.push('\\+');
    const utf8 = [...Buffer.from(ch, 'utf8')];
    alternatives.push(utf8.map((b) => `%(?:25)?${hexClass(b)}`).join(''));
    source += `(?:${alternatives.join('|')})`;
  }
  return new RegExp(source, 'g');
}

/**
 * Secrets shorter than this are replaced only as whole tokens, not next to a letter or digit: a real
 * credential is longer, and a short test token (`t`, `abc`) occurs inside ordinary words.
 */
export const SHORT_SECRET = 8;

/** The pattern of `secret`, whole-token only when it is short. */
function patternOf(secret: string): RegExp {
  const re = secretPattern(secret);
  return secret.length < SHORT_SECRET ? new RegExp(`(?<![A-Za-z0-9])${re.source}(?![A-Za-z0-9])`, 'g') : re;
}

const patterns = new Map<string, RegExp>();

/**
 * `text` with every occurrence of every secret — raw, JSON-escaped or URL-encoded — replaced by `***`;
 * secrets shorter than SHORT_SECRET only where they stand alone.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    let re = patterns.get(s);
    if (!re) {
      if (patterns.size > 256) patterns.clear();
      patterns.set(s, (re = patternOf(s)));
    }
    re.lastIndex = 0;
    if (re.test(out)) {
      re.lastIndex = 0;
      out = out.replace(re, REDACTED);
    }
  }
  return out;
}

/** The credential part of an Authorization value (`Bearer abc` → `abc`; a value without a scheme is all credential). */
export function credentialOf(headerValue: string): string {
  const m = /^\s*([A-Za-z][\w.+-]*)\s+(\S.*?)\s*$/.exec(headerValue);
  return m ? m[2] : headerValue.trim();
}

/**
 * A copy of `headers` safe to show: credential headers keep only their scheme (`Authorization: Bearer ***`),
 * every other value has the secrets replaced.
 */
export function redactHeaders(headers: Readonly<Record<string, string>>, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
      const m = /^\s*([A-Za-z][\w.+-]*)\s+\S/.exec(value);
      out[name] = m && name.toLowerCase().endsWith('authorization') ? `${m[1]} ${REDACTED}` : REDACTED;
    } else {
      out[name] = redact(value, secrets);
    }
  }
  return out;
}

/** `url` without a password in its user info and with the secrets replaced (tokens sometimes travel in queries). */
export function redactUrl(url: string, secrets: readonly string[]): string {
  let text = url;
  try {
    const u = new URL(url);
    if (u.password) {
      u.password = REDACTED;
      text = u.toString();
    }
  } catch {
    // not a URL: only the secrets are replaced
  }
  return redact(text, secrets);
}
