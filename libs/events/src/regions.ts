/** The code the command centres' seeds give the Ministry: above every province. */
export const NATIONAL_REGION = '100000';

/**
 * The leading digits that name a GB/T 2260 region at its own level: a province (530000) is "53",
 * a prefecture-level city (530100) "5301", a county (530102) all six.
 */
export function regionPrefix(code: string): string {
  if (code === NATIONAL_REGION) return '';
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** True when `outer` is `inner` or above it: a unit of `outer` has jurisdiction over `inner`. */
export function regionContains(outer: string, inner: string): boolean {
  return inner.startsWith(regionPrefix(outer));
}
