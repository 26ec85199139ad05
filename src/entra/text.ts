// Text functions whose rules come from .NET or a fixed table in the Entra function reference
// (learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data).

/** Letters that do not decompose into a base letter plus marks, from the NormalizeDiacritics table. */
const SPECIAL: Readonly<Record<string, string>> = {
  æ: 'ae', Æ: 'AE', ǣ: 'ae', Ǣ: 'AE', ø: 'oe', Ø: 'OE', œ: 'oe', Œ: 'OE', ß: 'ss',
  ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ı: 'i', ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T',
};
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL).join('')}]`, 'g');
const MARKS = /\p{M}+/gu;

/**
 * NormalizeDiacritics: accented letters become their base letter (canonical decomposition without the
 * combining marks), plus the table's multi-letter rows (æ → ae, ø → oe, ß → ss). Characters the table does
 * not list are kept.
 */
export function normalizeDiacritics(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return s.replace(SPECIAL_RE, (c) => SPECIAL[c]).normalize('NFD').replace(MARKS, '').normalize('NFC');
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/**
 * PCase: every character lower case except the first letter of each word. Without separators a word is a
 * run of letters, marks and digits (.NET TextInfo.ToTitleCase separates on spaces, punctuation and symbols,
 * so `st john's` → `St John'S`, as the Workday guide shows); with separators only those characters separate.
 */
export function pcase(s: string, separators?: string): string {
  let out = '';
  let startOfWord = true;
  for (const ch of s) {
    const sep = separators !== undefined ? separators.includes(ch) : !WORD_CHAR.test(ch);
    if (sep) {
      out += ch;
      startOfWord = true;
    } else {
      out += startOfWord ? ch.toUpperCase() : ch.toLowerCase();
      startOfWord = false;
    }
  }
  return out;
}
