/**
 * A copy of `data` with `change` applied to the string at each dotted path that holds one; the
 * data itself is left as it was. A path into a missing or non-object value changes nothing.
 */
export function mapPaths(data: unknown, paths: readonly string[], change: (value: string, path: string) => string): unknown {
  let out = data;
  for (const path of paths) out = mapPath(out, path.split('.'), (value) => change(value, path));
  return out;
}

/** The value at a dotted path, or undefined where the path leads nowhere. */
export function valueAt(data: unknown, path: string): unknown {
  let value = data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function mapPath(value: unknown, keys: string[], change: (value: string) => string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const [key, ...rest] = keys as [string, ...string[]];
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, key)) return value;
  const inner = record[key];
  const next = rest.length > 0 ? mapPath(inner, rest, change) : typeof inner === 'string' ? change(inner) : inner;
  return next === inner ? value : { ...record, [key]: next };
}
