import canonicalize from 'canonicalize';

/**
 * A JSON value in the JSON Canonicalization Scheme, RFC 8785 (JCS): object keys sorted by UTF-16
 * code unit at every depth, no whitespace, strings and numbers exactly as ECMAScript's
 * JSON.stringify writes them, properties whose value is undefined left out. One value has one
 * text however it was spelled, so a hash of it can be compared, and recomputed by an auditor with
 * any RFC 8785 implementation (services/ledger/LEDGER.md gives a jq recipe). NaN, the infinities
 * and lone surrogates have no canonical form and throw.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('undefined has no JSON text');
  return text;
}
