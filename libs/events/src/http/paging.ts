import { z } from 'zod';
import { ValidationError } from '../errors.js';

export const MAX_PAGE = 500;

/** `?limit=&cursor=` of every list route: at most MAX_PAGE a page, newest first. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
  cursor: z.string().max(512).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A page of a list and, when more follow, the opaque cursor that asks for them. */
export function pageOf<T>(items: T[], limit: number, keyOf: (item: T) => unknown): { items: T[]; next: string | null } {
  const more = items.length > limit;
  const shown = more ? items.slice(0, limit) : items;
  return { items: shown, next: more ? encodeCursor(keyOf(shown[shown.length - 1]!)) : null };
}

export const encodeCursor = (key: unknown): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * The key a cursor carries, checked against the list's own key schema: a cursor is opaque to
 * clients, and one that was not made here is a 400 naming it, never a query with its contents.
 */
export function decodeCursor<S extends z.ZodType>(cursor: string | undefined, key: S): z.infer<S> | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = key.safeParse(parsed);
  if (!result.success) throw new ValidationError([{ path: 'query.cursor', message: 'not a cursor this list handed out' }]);
  return result.data;
}
