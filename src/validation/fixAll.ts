// Fixing many problems at once. Fixes are computed against one text, and two of them may
// touch the same place (two properties removed side by side share a comma), so fixes that meet wait for the
// next round, after validating again; the result is one edit spanning what changed.
import type { MappingTable } from '../scim/mapping';
import { applyFix, type Fix, type Problem, type TextEdit } from './rules';
import { validatePayload } from './validate';

/** The fix to apply for a problem, or undefined to leave it. */
export type FixChooser = (p: Problem) => Fix | undefined;

/** A problem's only fix: when there is one obvious fix, never a choice between several. */
export const onlyFix: FixChooser = (p) => (p.fixes?.length === 1 ? p.fixes[0] : undefined);

/**
 * The text after applying the chosen fix of every problem, and how many fixes were applied. Each round applies
 * the chosen fixes whose edits neither overlap nor touch, then validates again for the rest.
 */
export function fixAll(text: string, mapping: MappingTable, choose: FixChooser): { text: string; applied: number } {
  let current = text;
  let applied = 0;
  // Every round fixes at least one problem; the bound only stops fixes that would re-create each other.
  for (let round = 0; round < 50; round++) {
    const fixes = validatePayload(current, { mapping }).problems.map(choose).filter((f): f is Fix => f !== undefined && f.edits.length > 0);
    const edits: TextEdit[] = [];
    let count = 0;
    let end = -1;
    for (const fix of [...fixes].sort((a, b) => start(a) - start(b))) {
      const sorted = [...fix.edits].sort((a, b) => a.offset - b.offset);
      const disjoint = sorted.every((e, i) => i === 0 || e.offset > (sorted[i - 1] as TextEdit).offset + (sorted[i - 1] as TextEdit).length);
      if (!disjoint || (sorted[0] as TextEdit).offset <= end) continue;
      edits.push(...sorted);
      end = Math.max(...sorted.map((e) => e.offset + e.length));
      count++;
    }
    const next = count > 0 ? applyFix(current, { title: 'all', edits }) : current;
    if (next === current) break;
    current = next;
    applied += count;
  }
  return { text: current, applied };
}

function start(fix: Fix): number {
  return Math.min(...fix.edits.map((e) => e.offset));
}

/** One edit turning `before` into `after`: the span between their common prefix and suffix. */
export function spanEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { offset: start, length: before.length - start - end, newText: after.slice(start, after.length - end) };
}
