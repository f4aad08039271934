import type { FieldIssue } from '../issues.js';

/** Deeper than this, a body is refused before anything walks it recursively (a hash, a schema). */
export const MAX_DEPTH = 32;

/**
 * What Postgres cannot store or a parser may choke on, anywhere in a decoded input: U+0000 or a
 * lone surrogate in any string or key, and nesting deeper than MAX_DEPTH. Walked with a stack of
 * its own, so a hostile depth costs memory in proportion to its size and never the call stack.
 */
export function unsafeInput(value: unknown, where: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: where, depth: 0 }];
  while (stack.length > 0 && issues.length < 10) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) issues.push({ path, message: problem });
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_DEPTH) {
        issues.push({ path, message: `nested deeper than ${MAX_DEPTH} levels` });
        continue;
      }
      for (const [key, child] of Object.entries(v)) {
        const problem = textProblem(key);
        if (problem) issues.push({ path, message: `a key ${problem}` });
        stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
      }
    }
  }
  return issues;
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains U+0000, which is not text';
  if (!text.isWellFormed()) return 'contains a lone surrogate (not valid Unicode)';
  return undefined;
}
