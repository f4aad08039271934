import type { DomainEvent } from '@rapid-search/events';
import type { CaseState } from './state.js';

export type AuditRule =
  | 'DISSOLVED_BEFORE_SOLVED'
  | 'GROUP_WITHOUT_CHIEF'
  | 'PLACED_WITH_BUYING_FAMILY'
  | 'RETURNED_WITHOUT_IDENTIFICATION'
  | 'REGISTRATION_CLEARED_WITHOUT_COMPARISON'
  | 'REWARD_WITHOUT_CONFIRMED_LEAD';

/**
 * The rules an auditor checks against recorded history: given the case as it stood before an event,
 * which rules does that event show broken? The decider refuses these commands, so a breach here means
 * history was written around the service (or altered). Fields are read defensively: a tampered entry
 * may lack what the catalog requires.
 */
export function breaches(before: CaseState, event: DomainEvent): AuditRule[] {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'CaseGroupDissolved':
      return before.solvedAt || before.withdrawnAt ? [] : ['DISSOLVED_BEFORE_SOLVED'];
    case 'CaseGroupFormed':
    case 'CaseGroupChiefReplaced':
      return hasChief(data.chief) ? [] : ['GROUP_WITHOUT_CHIEF'];
    case 'HandoverToCivilAffairsInitiated': {
      const placement = data.placement as { kind?: unknown; id?: unknown } | undefined;
      const buyers = new Set([data.foundInHouseholdId, before.rescue?.householdId].filter(Boolean));
      return placement?.kind === 'household' && buyers.has(placement.id) ? ['PLACED_WITH_BUYING_FAMILY'] : [];
    }
    case 'ChildReturnedToParents':
      return before.parents ? [] : ['RETURNED_WITHOUT_IDENTIFICATION'];
    default:
      return [];
  }
}

function hasChief(chief: unknown): boolean {
  const c = chief as { officerId?: unknown } | null | undefined;
  return typeof c?.officerId === 'string' && c.officerId.length > 0;
}
