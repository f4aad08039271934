import type { DomainEvent } from '@rapid-search/events';

/** The comparison results of one child's samples, as the ledger recorded them. */
export interface ChildComparison {
  /** Each sample's latest result. */
  latest: Map<string, 'match' | 'no-match'>;
  matchRefs: Set<string>;
  /** A match reported twice: the re-test confirmed it. */
  confirmed: boolean;
}

/** The events the registration rule replays, keyed by the child's record (their `caseId`). */
export const REGISTRATION_EVENT_TYPES = new Set<string>(['DnaMatchFound', 'DnaNoMatchFound', 'RegistrationCheckAnswered']);

export const noComparison = (): ChildComparison => ({ latest: new Map(), matchRefs: new Set(), confirmed: false });

export function evolveComparison(state: ChildComparison, event: DomainEvent): ChildComparison {
  const data = event.data as { sampleId?: unknown; matchRef?: unknown };
  if (typeof data.sampleId !== 'string') return state;
  if (event.type === 'DnaNoMatchFound') return { ...state, latest: new Map(state.latest).set(data.sampleId, 'no-match') };
  if (event.type !== 'DnaMatchFound' || typeof data.matchRef !== 'string') return state;
  return {
    latest: new Map(state.latest).set(data.sampleId, 'match'),
    matchRefs: new Set(state.matchRefs).add(data.matchRef),
    confirmed: state.confirmed || state.matchRefs.has(data.matchRef),
  };
}

/**
 * 严把儿童落户关, as the gate answers it: cleared only once a sample's latest comparison is a
 * no-match, with no match awaiting its re-test and none confirmed.
 */
export function gateClears(state: ChildComparison): boolean {
  const results = [...state.latest.values()];
  return !state.confirmed && !results.includes('match') && results.includes('no-match');
}

/** A registration cleared where the gate would not clear was cleared without a completed comparison. */
export function clearedWithoutComparison(state: ChildComparison, event: DomainEvent): boolean {
  if (event.type !== 'RegistrationCheckAnswered' || (event.data as { status?: unknown }).status !== 'cleared') return false;
  return !gateClears(state);
}
