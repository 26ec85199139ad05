// Small text helpers shared by the documents that show HTTP exchanges (responses, reports, the log).

/** A body as shown to a user: JSON pretty-printed with two spaces, anything else as received; '' when blank. */
export function prettyJson(body: string): string {
  if (!body.trim()) return '';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** A Markdown code block that no run of backticks in the text can close early. */
export function fence(lang: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text.replace(/\s+$/, '')}\n${ticks}`;
}
