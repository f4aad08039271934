/**
 * A JSON value in the JSON Canonicalization Scheme, RFC 8785 (JCS): object keys sorted by UTF-16
 * code unit at every depth, no whitespace, strings and numbers exactly as ECMAScript's
 * JSON.stringify writes them, properties whose value is undefined left out. One value has one
 * text however it was spelled, so a hash of it can be compared, and recomputed by an auditor with
 * any RFC 8785 implementation (services/ledger/LEDGER.md gives a jq recipe). NaN, the infinities
 * and lone surrogates have no canonical form and throw.
 *
 * Written here rather than taken from the `canonicalize` package, which gives the same text: that
 * one checks each string for lone surrogates a character at a time in JavaScript, and the ledger
 * canonicalizes every event it chains, so that loop stood out in its CPU profile. `isWellFormed`
 * makes the same check natively.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('undefined has no JSON text');
  return text;
}

/** The canonical text of a value, or undefined for what JSON leaves out (undefined, functions, symbols). */
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return text(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON text`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : composite(value);
    case 'bigint':
      throw new TypeError('a bigint has no JSON text');
    default:
      return undefined;
  }
}

function composite(value: object): string | undefined {
  if ('toJSON' in value && typeof value.toJSON === 'function') return write((value.toJSON as () => unknown).call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (write(value[i]) ?? 'null');
    return `${out}]`;
  }
  // The default sort compares UTF-16 code units, which is the order JCS asks for.
  const keys = Object.keys(value).sort();
  let out = '{';
  for (const key of keys) {
    const member = write((value as Record<string, unknown>)[key]);
    if (member === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${text(key)}:${member}`;
  }
  return `${out}}`;
}

function text(value: string): string {
  if (!value.isWellFormed()) throw new TypeError('a string with a lone surrogate has no JSON text');
  return JSON.stringify(value);
}
