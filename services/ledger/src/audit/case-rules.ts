import type { DomainEvent } from '@rapid-search/events';
import { breaches } from '../domain/audit-rules.js';
import {
  clearedWithoutComparison,
  evolveComparison,
  noComparison,
  REGISTRATION_EVENT_TYPES,
  type ChildComparison,
} from '../domain/registration-rule.js';
import {
  evolveLeads,
  LEAD_EVENT_TYPES,
  noLeads,
  rewardWithoutConfirmedLead,
  SIGHTING_CONFIRMED,
  type CaseLeads,
} from '../domain/lead-reward-rule.js';
import { CASE_EVENT_TYPES, evolve, initialState, type CaseState } from '../domain/state.js';
import type { Violation } from './violations.js';

const TYPE_KEY = Buffer.from('"type":"');
const QUOTE = 0x22;
/**
 * How a confirmed sighting's outcome reads in a canonical entry. A quote inside a string value is
 * escaped, so these bytes occur only as the key and its value: an entry without them is a
 * completion the reward rule passes over, and is not parsed.
 */
const CONFIRMED_OUTCOME = Buffer.from(`"outcome":${JSON.stringify(SIGHTING_CONFIRMED)}`);
/** The leads of a case that has none yet, shared: evolveLeads copies whatever it changes. */
const NO_LEADS = noLeads();

/**
 * The type of the canonical entry in bytes [start, end), read from its end without parsing it:
 * sorted keys put the envelope's `type` and `version` last, after every nested object.
 */
export function typeOf(bytes: Buffer, start = 0, end = bytes.length): string | undefined {
  const at = bytes.lastIndexOf(TYPE_KEY, end - TYPE_KEY.length);
  if (at < start) return undefined;
  const close = bytes.indexOf(QUOTE, at + TYPE_KEY.length);
  return close < 0 || close >= end ? undefined : bytes.toString('utf8', at + TYPE_KEY.length, close);
}

/**
 * Replays every case through the case rules, keeping one small state per case; and every DNA
 * comparison and registration check through the registration rule, one small state per record;
 * and every case's tips and leads through the reward rule.
 */
export class CaseRules {
  readonly violations: Violation[] = [];
  readonly #cases = new Map<string, CaseState>();
  readonly #comparisons = new Map<string, ChildComparison>();
  readonly #leads = new Map<string, CaseLeads>();

  /** Replays the canonical entry in bytes [start, end) if it is a case event; any other is passed over unparsed. */
  replay(seq: number, bytes: Buffer, start: number, end: number, eventId: () => string): void {
    const type = typeOf(bytes, start, end);
    if (type === undefined || (!CASE_EVENT_TYPES.has(type) && !REGISTRATION_EVENT_TYPES.has(type) && !LEAD_EVENT_TYPES.has(type))) return;
    if (type === 'TaskCompleted' && !bytes.subarray(start, end).includes(CONFIRMED_OUTCOME)) return;
    let envelope: { type?: unknown; caseId?: unknown; data?: unknown };
    try {
      envelope = JSON.parse(bytes.toString('utf8', start, end)) as typeof envelope;
    } catch {
      return;
    }
    const caseId = typeof envelope.caseId === 'string' ? envelope.caseId : null;
    if (!caseId || typeof envelope.data !== 'object' || envelope.data === null) return;
    const event = { type: envelope.type, data: envelope.data } as DomainEvent;
    if (REGISTRATION_EVENT_TYPES.has(event.type)) {
      const comparison = this.#comparisons.get(caseId) ?? noComparison();
      if (clearedWithoutComparison(comparison, event)) {
        const rule = 'REGISTRATION_CLEARED_WITHOUT_COMPARISON';
        this.violations.push({ seq, eventId: eventId(), rule, message: `${event.type} for ${caseId} breaks ${rule}` });
      }
      this.#comparisons.set(caseId, evolveComparison(comparison, event));
      return;
    }
    const leads = this.#leads.get(caseId) ?? NO_LEADS;
    if (LEAD_EVENT_TYPES.has(event.type)) {
      this.#leads.set(caseId, evolveLeads(leads, event));
      return;
    }
    if (rewardWithoutConfirmedLead(leads, event)) {
      const rule = 'REWARD_WITHOUT_CONFIRMED_LEAD';
      this.violations.push({ seq, eventId: eventId(), rule, message: `${event.type} in case ${caseId} breaks ${rule}` });
    }
    const before = this.#cases.get(caseId) ?? initialState(caseId);
    for (const rule of breaches(before, event)) {
      this.violations.push({ seq, eventId: eventId(), rule, message: `${event.type} in case ${caseId} breaks ${rule}` });
    }
    this.#cases.set(caseId, evolve(before, event));
  }
}
