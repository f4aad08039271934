import { PERSONAL_DATA_GRANT, type Principal, type Sight } from '@rapid-search/events';

const MASK = '[masked]';
/** Keys that hold personal data wherever they appear: phones, a household's head and DNA references. */
const ALWAYS = new Set(['phone', 'headOfHousehold', 'evidenceRef', 'matchRef', 'profileRef']);
/** Names of people, under these parents: the child and the reporter. */
const NAMED = new Set(['child', 'reporter']);
const HINT = /"(phone|headOfHousehold|evidenceRef|matchRef|profileRef|child|reporter)"/;

/** Officers see personal data by their role, anyone else only under the personal-data grant. */
export function sightOf(principal: Pick<Principal, 'role' | 'grants'>): Sight {
  if (principal.role === 'officer') return 'by-role';
  return principal.grants.includes(PERSONAL_DATA_GRANT) ? 'by-grant' : 'masked';
}

export function seesPersonalData(principal: Principal): boolean {
  return sightOf(principal) !== 'masked';
}

export function maskPersonalData<T>(value: T, parentKey = ''): T {
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, parentKey)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (ALWAYS.has(key) || (key === 'name' && NAMED.has(parentKey))) out[key] = v === undefined ? v : MASK;
    else out[key] = maskPersonalData(v, key);
  }
  return out as T;
}

/** Masks an entry's JSON text, parsing it only when it can hold personal data at all. */
export function maskEntryText(entry: string): string {
  return HINT.test(entry) ? JSON.stringify(maskPersonalData(JSON.parse(entry) as unknown)) : entry;
}
