/** One thing wrong with an input, at the dotted path of its field (`body.lastSeen.lat`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** What zod reports, and what the HTTP validator hands on from it: a message at a path of keys and indexes. */
export interface PathedIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The one way a schema's complaints become field issues: the path dotted, under `where` (`body`,
 * `query`, a seed file) when given, so a caller can tell which part of its input is at fault.
 */
export function fieldIssues(issues: readonly PathedIssue[], where?: string): FieldIssue[] {
  return issues.map((i) => ({
    path: (where === undefined ? i.path : [where, ...i.path]).map(String).join('.'),
    message: i.message,
  }));
}

/** Field issues as one line for an error message or a log: `path: message; path: message`. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
}

/** A failed zod parse as one line, for callers that report a reason rather than fields. */
export function describeZodError(error: { readonly issues: readonly PathedIssue[] }): string {
  return describeIssues(fieldIssues(error.issues));
}
