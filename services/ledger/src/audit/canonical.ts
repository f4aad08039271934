import { hash } from 'node:crypto';

/** An entry is JCS (RFC 8785), the one canonical JSON of libs/events: see LEDGER.md. */
export { canonicalJson } from '@rapid-search/events';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * hash = sha256(prev_hash ‖ canonical entry), over the UTF-8 bytes, as lowercase hex. The one-shot
 * `crypto.hash` costs less per call than a Hash object, and hashing is most of a replay's work.
 */
export function chainHash(prevHash: string, canonicalEntry: string): string {
  return hash('sha256', prevHash + canonicalEntry, 'hex');
}
