import { ERASED, isSealed } from '@rapid-search/events';

/** An entry's event as recorded, whatever its service's catalog says of it. */
export interface RecordedEvent {
  type: string;
  data: unknown;
}

/** A case's tips and leads as the ledger recorded them from the alert service and dispatch. */
export interface CaseLeads {
  /** Each tip's tipster phone, masked; absent when the tipster left none. */
  tips: Map<string, { maskedPhone?: string }>;
  /** Lead-verification task → the tips it verifies: its own, and those linked to it as near. */
  taskTips: Map<string, string[]>;
  /** Tip → the lead task that confirmed it as a sighting. */
  confirmed: Map<string, string>;
}

/** The events the reward rule replays, keyed by their case. */
export const LEAD_EVENT_TYPES = new Set<string>(['TipReceived', 'LeadVerificationTaskAssigned', 'TipLinkedToLead', 'TaskCompleted']);

/** The one outcome of a TaskCompleted the rule learns from: any other completion leaves a case's leads as they are. */
export const SIGHTING_CONFIRMED = 'sighting-confirmed';

export const noLeads = (): CaseLeads => ({ tips: new Map(), taskTips: new Map(), confirmed: new Map() });

/** Enough of a phone to recognise it by, too little to call it: 139****5678. */
export const maskPhone = (phone: string): string => (phone.length < 8 ? '****' : `${phone.slice(0, 3)}****${phone.slice(-4)}`);

/** Read defensively: an entry written around the services may lack what the catalog requires. */
export function evolveLeads(state: CaseLeads, event: RecordedEvent): CaseLeads {
  const data = event.data as { tipId?: unknown; taskId?: unknown; outcome?: unknown; contact?: { phone?: unknown } };
  if (event.type === 'TipReceived' && typeof data.tipId === 'string') {
    const phone = data.contact?.phone;
    // A phone still sealed (not opened at the edge) or erased has nothing to show, masked or not.
    const clear = typeof phone === 'string' && !isSealed(phone) && phone !== ERASED;
    return { ...state, tips: new Map(state.tips).set(data.tipId, clear ? { maskedPhone: maskPhone(phone) } : {}) };
  }
  const lead = event.type === 'LeadVerificationTaskAssigned' || event.type === 'TipLinkedToLead';
  if (lead && typeof data.tipId === 'string' && typeof data.taskId === 'string') {
    return { ...state, taskTips: new Map(state.taskTips).set(data.taskId, [...(state.taskTips.get(data.taskId) ?? []), data.tipId]) };
  }
  if (event.type === 'TaskCompleted' && data.outcome === SIGHTING_CONFIRMED && typeof data.taskId === 'string') {
    const confirmed = new Map(state.confirmed);
    for (const tipId of state.taskTips.get(data.taskId) ?? []) confirmed.set(tipId, data.taskId);
    return { ...state, confirmed };
  }
  return state;
}

/** A reward recorded for a tip that no lead of the case confirmed. */
export function rewardWithoutConfirmedLead(state: CaseLeads, event: RecordedEvent): boolean {
  if (event.type !== 'LeadRewardEligibilityRecorded') return false;
  const tipId = (event.data as { tipId?: unknown }).tipId;
  return typeof tipId !== 'string' || !state.confirmed.has(tipId);
}
