import type { KeyObject } from 'node:crypto';
import { catalog } from '../catalog/index.js';
import type { Keyring } from './keyring.js';
import { mapPaths, valueAt } from './paths.js';
import { blindIndex, ERASED, isSealed, keyIdOf, seal, unseal, type DataKey } from './seal.js';

/**
 * The keys under which the catalog's personal fields sit, wherever a record copies them: only a
 * sealed text under one of these is ever opened, so a sealed-looking text typed into a free-text
 * field (a tip's words) is never decrypted for anyone.
 */
const PERSONAL_KEYS = new Set(['name', 'phone', 'headOfHousehold', 'profileRef', 'matchRef', 'evidenceRef']);

/** Sealing and opening of personal fields, for the event store and for the edges that show them. */
export class PersonalData {
  constructor(
    readonly keyring: Keyring,
    private readonly indexKey: KeyObject,
  ) {}

  /** `data` of an event of `type` with its personal fields sealed under `subject`'s key (or `key`, one made by `Keyring.fresh`). */
  sealEvent(subject: string, type: string, data: unknown, key?: DataKey): Promise<unknown> {
    return this.sealFields(subject, data, catalog.personalPaths(type), key);
  }

  /** `data` with the strings at `paths` sealed; values already sealed (copied from an event) stay as they are. */
  async sealFields<T>(subject: string, data: T, paths: readonly string[], fresh?: DataKey): Promise<T> {
    let unsealed = 0;
    mapPaths(data, paths, (v) => (isSealed(v) ? v : (unsealed++, v)));
    if (unsealed === 0) return data;
    const key = fresh ?? (await this.keyring.sealingKey(subject));
    return mapPaths(data, paths, (v) => (isSealed(v) ? v : key === 'erased' ? ERASED : seal(key, v))) as T;
  }

  async sealValue(subject: string, clear: string): Promise<string> {
    if (isSealed(clear)) return clear;
    const key = await this.keyring.sealingKey(subject);
    return key === 'erased' ? ERASED : seal(key, clear);
  }

  /**
   * `value` with every sealed personal field opened: the clear text, or `[erased]` once its key was
   * destroyed. For a reader entitled to see it, at the edge, after masking has had its say.
   */
  async open<T>(value: T): Promise<T> {
    const keyIds = new Set<string>();
    collectKeyIds(value, '', keyIds);
    if (keyIds.size === 0) return value;
    const keys = await this.keyring.openingKeys([...keyIds]);
    return visit(value, '', (key, v) => (PERSONAL_KEYS.has(key) && isSealed(v) ? openOne(keys.get(keyIdOf(v)), v) : v)) as T;
  }

  /** A keyed hash of a value to be found again (a duplicate, a DNA profile), for tables erasure clears. */
  index(value: string): string {
    return blindIndex(this.indexKey, value);
  }
}

/**
 * `data` with each string at `paths` that `clear` holds at the same path taken from `sealed`, that
 * record as `sealFields` sealed it: a value sealed once for a row is not sealed again for its event.
 * Every other value is left for the store to seal.
 */
export function reuseSealed<T>(data: T, paths: readonly string[], clear: unknown, sealed: unknown): T {
  return mapPaths(data, paths, (value, path) => {
    const done = valueAt(sealed, path);
    return valueAt(clear, path) === value && isSealed(done) ? done : value;
  }) as T;
}

function openOne(key: DataKey | 'erased' | undefined, sealed: string): string {
  if (key === 'erased') return ERASED;
  if (!key) return sealed;
  try {
    return unseal(key, sealed);
  } catch {
    return sealed;
  }
}

/** The ids of the keys the sealed personal fields of `value` need, found without copying it. */
function collectKeyIds(value: unknown, key: string, into: Set<string>): void {
  if (typeof value === 'string') {
    if (PERSONAL_KEYS.has(key) && isSealed(value)) into.add(keyIdOf(value));
  } else if (Array.isArray(value)) {
    for (const v of value) collectKeyIds(v, key, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectKeyIds(v, k, into);
  }
}

function visit(value: unknown, key: string, change: (key: string, value: string) => string): unknown {
  if (typeof value === 'string') return change(key, value);
  if (Array.isArray(value)) return value.map((v) => visit(v, key, change));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k, change)]));
}
