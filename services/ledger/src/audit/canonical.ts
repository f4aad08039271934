import { hash } from 'node:crypto';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON (see LEDGER.md): object keys sorted by UTF-16 code unit (plain `sort()`, the same
 * as code points for the ASCII keys of the catalog), no whitespace, strings and numbers exactly as
 * JSON.stringify writes them, properties whose value is undefined left out.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * hash = sha256(prev_hash ‖ canonical entry), over the UTF-8 bytes, as lowercase hex. The one-shot
 * `crypto.hash` costs less per call than a Hash object, and hashing is most of a replay's work.
 */
export function chainHash(prevHash: string, canonicalEntry: string): string {
  return hash('sha256', prevHash + canonicalEntry, 'hex');
}
