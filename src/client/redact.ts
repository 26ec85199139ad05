// Secrets never leave the client: every string, URL and header map a caller can see, log or store goes
// through these helpers first. A secret is replaced wherever it occurs, raw or URL-encoded.

/** What a secret is replaced with. */
export const REDACTED = '***';

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * The list of strings to hide, from tokens and credentials: each non-empty value plus its URL-encoded
 * forms, longest first so that a longer secret is never left half-replaced by a shorter one inside it.
 */
export function secretsOf(values: Iterable<string | undefined>): string[] {
  const set = new Set<string>();
  for (const v of values) {
    if (!v) continue;
    set.add(v);
    set.add(encodeURIComponent(v));
    set.add(encodeURIComponent(v).replace(/%20/g, '+'));
  }
  return [...set].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of every secret replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s && out.includes(s)) out = out.split(s).join(REDACTED);
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
