// Dates the way Entra's expression functions read and write them (.NET on a UTC server): CDate-style
// parsing of ISO 8601 and US forms, the fixed output `M/d/yyyy h:mm:ss tt`, .NET custom format strings for
// FormatDateTime, VBA-style DateAdd/DateDiff, and AD file times. All arithmetic is in UTC milliseconds.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_MS = 86_400_000;
/** Milliseconds between 1601-01-01 and 1970-01-01 (AD file time epoch). */
const FILETIME_EPOCH_MS = 11_644_473_600_000n;

export class DateError extends Error {}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new DateError(`${y}-${pad(mo, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)} is not a valid date and time`);
  }
  return t.getTime();
}

function offsetMinutes(sign: string, hh: string, mm: string | undefined): number {
  const m = Number(hh) * 60 + Number(mm ?? 0);
  if (Number(hh) > 14 || Number(mm ?? 0) > 59) throw new DateError(`${sign}${hh}:${mm ?? '00'} is not a valid UTC offset`);
  return sign === '-' ? -m : m;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|([+-])(\d{2}):?(\d{2})?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?\s*(Z|([+-])(\d{2}):?(\d{2})?)?$/i;

/**
 * Reads a date/time string as .NET's DateTime.Parse would on a UTC server: ISO 8601 (with or without time
 * and offset; `2020-03-16-07:00` is midnight at −07:00) or `M/d/yyyy[ h:mm[:ss][ AM|PM]]`. No offset = UTC.
 * Returns UTC milliseconds; throws DateError with the reason.
 */
export function parseDate(text: string): number {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const t = utc(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7] ? Math.floor(Number('0.' + m[7]) * 1000) : 0);
    return m[8] && m[8].toUpperCase() !== 'Z' ? t - offsetMinutes(m[9], m[10], m[11]) * 60_000 : t;
  }
  m = US.exec(s);
  if (m) {
    let h = +(m[4] ?? 0);
    if (m[7]) {
      if (h < 1 || h > 12) throw new DateError(`"${text}": hour ${h} does not go with ${m[7]}`);
      h = (h % 12) + (m[7].toUpperCase() === 'PM' ? 12 : 0);
    }
    const t = utc(+m[3], +m[1], +m[2], h, +(m[5] ?? 0), +(m[6] ?? 0));
    return m[8] && m[8].toUpperCase() !== 'Z' ? t - offsetMinutes(m[9], m[10], m[11]) * 60_000 : t;
  }
  throw new DateError(`"${text}" is not a date: expected ISO 8601 such as 2021-06-30T08:00:00Z (or 2012-03-16-07:00) or M/d/yyyy h:mm:ss tt`);
}

/** `M/d/yyyy h:mm:ss tt` in UTC — the form every Entra date function returns. */
export function formatEntraDate(ms: number): string {
  return formatDate(ms, 'M/d/yyyy h:mm:ss tt');
}

type Part = { kind: 'field'; letter: string; count: number } | { kind: 'literal'; text: string };

/** Splits a .NET custom date format into fields and literals. */
function tokenize(format: string): Part[] {
  const parts: Part[] = [];
  for (let i = 0; i < format.length; ) {
    const c = format[i];
    if (c === '\'' || c === '"') {
      const end = format.indexOf(c, i + 1);
      if (end === -1) throw new DateError(`the format "${format}" opens a quoted literal at position ${i + 1} and never closes it`);
      parts.push({ kind: 'literal', text: format.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '\\') {
      parts.push({ kind: 'literal', text: format[i + 1] ?? '' });
      i += 2;
    } else if (c === '%') {
      i++;
    } else if ('yMdHhmsfFtzK'.includes(c)) {
      let n = 1;
      while (format[i + n] === c) n++;
      parts.push({ kind: 'field', letter: c, count: n });
      i += n;
    } else {
      parts.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return parts;
}

/** Writes UTC milliseconds with a .NET custom date format (invariant culture, offset +00:00). */
export function formatDate(ms: number, format: string): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear(), mo = d.getUTCMonth() + 1, day = d.getUTCDate();
  const h = d.getUTCHours(), mi = d.getUTCMinutes(), s = d.getUTCSeconds(), frac = d.getUTCMilliseconds();
  let out = '';
  for (const part of tokenize(format)) {
    if (part.kind === 'literal') { out += part.text; continue; }
    const n = part.count;
    switch (part.letter) {
      case 'y': out += n === 1 ? String(y % 100) : n === 2 ? pad(y % 100, 2) : pad(y, n); break;
      case 'M': out += n === 1 ? String(mo) : n === 2 ? pad(mo, 2) : n === 3 ? MONTHS[mo - 1].slice(0, 3) : MONTHS[mo - 1]; break;
      case 'd': out += n === 1 ? String(day) : n === 2 ? pad(day, 2) : n === 3 ? DAYS[d.getUTCDay()].slice(0, 3) : DAYS[d.getUTCDay()]; break;
      case 'H': out += n === 1 ? String(h) : pad(h, 2); break;
      case 'h': out += n === 1 ? String(h % 12 || 12) : pad(h % 12 || 12, 2); break;
      case 'm': out += n === 1 ? String(mi) : pad(mi, 2); break;
      case 's': out += n === 1 ? String(s) : pad(s, 2); break;
      case 'f': case 'F': {
        const digits = (pad(frac, 3) + '0000').slice(0, Math.min(n, 7));
        out += part.letter === 'F' ? digits.replace(/0+$/, '') : digits;
        break;
      }
      case 't': out += n === 1 ? (h < 12 ? 'A' : 'P') : h < 12 ? 'AM' : 'PM'; break;
      case 'z': out += n === 1 ? '+0' : n === 2 ? '+00' : '+00:00'; break;
      case 'K': out += 'Z'; break;
    }
  }
  return out;
}

/**
 * Reads `text` with a .NET custom date format (DateTime.ParseExact, invariant culture, leading and trailing
 * white space allowed). An offset in the text (z, zz, zzz, K) is applied; without one the time is UTC.
 */
export function parseDateExact(text: string, format: string): number {
  const parts = tokenize(format);
  const s = text.trim();
  let i = 0;
  let y = 1, mo = 1, day = 1, h = 0, mi = 0, sec = 0, ms = 0, offset = 0, pm: boolean | undefined;
  const digits = (min: number, max: number, what: string): number => {
    let e = i;
    while (e < s.length && e - i < max && s.charCodeAt(e) >= 48 && s.charCodeAt(e) <= 57) e++;
    if (e - i < min) throw new DateError(`"${text}" does not match the format "${format}": expected ${what} at position ${i + 1}`);
    const v = Number(s.slice(i, e));
    i = e;
    return v;
  };
  const word = (names: string[], len: number | undefined, what: string): number => {
    for (let k = 0; k < names.length; k++) {
      const n = len ? names[k].slice(0, len) : names[k];
      if (s.slice(i, i + n.length).toLowerCase() === n.toLowerCase()) { i += n.length; return k; }
    }
    throw new DateError(`"${text}" does not match the format "${format}": expected ${what} at position ${i + 1}`);
  };
  const zone = (withMinutes: boolean): void => {
    const sign = s[i];
    if (sign !== '+' && sign !== '-') throw new DateError(`"${text}" does not match the format "${format}": expected a UTC offset (+hh:mm) at position ${i + 1}`);
    i++;
    const hh = digits(1, 2, 'offset hours');
    let mm = 0;
    if (withMinutes) {
      if (s[i] === ':') i++;
      mm = digits(2, 2, 'offset minutes');
    }
    offset = offsetMinutes(sign, String(hh), String(mm));
  };
  for (const part of parts) {
    if (part.kind === 'literal') {
      if (s.slice(i, i + part.text.length) !== part.text) {
        throw new DateError(`"${text}" does not match the format "${format}": expected "${part.text}" at position ${i + 1}`);
      }
      i += part.text.length;
      continue;
    }
    const n = part.count;
    switch (part.letter) {
      case 'y': y = n <= 2 ? 2000 + digits(n === 1 ? 1 : 2, 2, 'the year') : digits(n, n, 'the year'); if (n <= 2 && y > 2049) y -= 100; break;
      case 'M': mo = n <= 2 ? digits(n, 2, 'the month') : word(MONTHS, n === 3 ? 3 : undefined, 'a month name') + 1; break;
      case 'd': if (n <= 2) day = digits(n, 2, 'the day'); else word(DAYS, n === 3 ? 3 : undefined, 'a day name'); break;
      case 'H': h = digits(n, 2, 'the hour'); break;
      case 'h': h = digits(n, 2, 'the hour') % 12; break;
      case 'm': mi = digits(n, 2, 'the minutes'); break;
      case 's': sec = digits(n, 2, 'the seconds'); break;
      case 'f': case 'F': {
        const start = i;
        const v = digits(part.letter === 'f' ? n : 0, n, 'fractions of a second');
        ms = i > start ? Math.floor(v / 10 ** (i - start - 3)) : 0;
        break;
      }
      case 't': pm = word(n === 1 ? ['A', 'P'] : ['AM', 'PM'], undefined, 'AM or PM') === 1; break;
      case 'z': zone(n === 3); break;
      case 'K': if (s[i] === 'Z') i++; else if (s[i] === '+' || s[i] === '-') zone(true); break;
    }
  }
  if (i !== s.length) throw new DateError(`"${text}" does not match the format "${format}": unexpected "${s.slice(i, i + 10)}" at position ${i + 1}`);
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  return utc(y, mo, day, h, mi, sec, ms) - offset * 60_000;
}

export type Interval = 'yyyy' | 'm' | 'd' | 'ww' | 'h' | 'n' | 's';
const INTERVALS: readonly string[] = ['yyyy', 'm', 'd', 'ww', 'h', 'n', 's'];

export function readInterval(text: string): Interval {
  if (!INTERVALS.includes(text)) throw new DateError(`"${text}" is not an interval: use yyyy (years), m (months), d (days), ww (weeks), h (hours), n (minutes) or s (seconds)`);
  return text as Interval;
}

function daysInMonth(year: number, month0: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month0 + 1, 0);
  return t.getUTCDate();
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month0 = total - year * 12;
  d.setUTCFullYear(year, month0, Math.min(d.getUTCDate(), daysInMonth(year, month0)));
  return d.getTime();
}

/** DateAdd: months and years clamp the day to the month's end, like .NET AddMonths. */
export function dateAdd(interval: Interval, value: number, ms: number): number {
  switch (interval) {
    case 'yyyy': return addMonths(ms, value * 12);
    case 'm': return addMonths(ms, value);
    case 'd': return ms + value * DAY_MS;
    case 'ww': return ms + value * 7 * DAY_MS;
    case 'h': return ms + value * 3_600_000;
    case 'n': return ms + value * 60_000;
    case 's': return ms + value * 1000;
  }
}

/** DateDiff counts the interval boundaries crossed (VBA semantics): weeks start on Sunday. */
export function dateDiff(interval: Interval, a: number, b: number): number {
  const da = new Date(a), db = new Date(b);
  const dayA = Math.floor(a / DAY_MS), dayB = Math.floor(b / DAY_MS);
  switch (interval) {
    case 'yyyy': return db.getUTCFullYear() - da.getUTCFullYear();
    case 'm': return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
    case 'd': return dayB - dayA;
    // 1970-01-01 was a Thursday: shifting by 4 days puts Sunday at the start of each 7-day block.
    case 'ww': return Math.floor((dayB + 4) / 7) - Math.floor((dayA + 4) / 7);
    case 'h': return Math.floor(b / 3_600_000) - Math.floor(a / 3_600_000);
    case 'n': return Math.floor(b / 60_000) - Math.floor(a / 60_000);
    case 's': return Math.floor(b / 1000) - Math.floor(a / 1000);
  }
}

/** AD file time (100-ns ticks since 1601-01-01 UTC) → UTC milliseconds. */
export function fromFileTime(ticks: bigint): number {
  const ms = ticks / 10_000n - FILETIME_EPOCH_MS;
  if (ms < -62_135_596_800_000n || ms > 253_402_300_799_000n) throw new DateError(`${ticks} is outside the dates a file time can hold`);
  return Number(ms);
}

/** UTC milliseconds → AD file time. */
export function toFileTime(ms: number): bigint {
  return (BigInt(ms) + FILETIME_EPOCH_MS) * 10_000n;
}
