import { distanceKm, type DomainEvent, type DomainEventOf, type EventData } from '@rapid-search/events';
import { taskIds, type PlanContext, type PlannedTask } from './assignment.js';
import { deadlineFor } from './deadlines.js';

/** Tips this close in place and in time of seeing to an open lead are the same sighting. */
export const COLLAPSE_KM = 1;
export const COLLAPSE_MS = 30 * 60_000;

type TipSummary = EventData<'LeadVerificationTaskAssigned'>['tip'];

export interface Lead {
  taskId: string;
  alertId: string;
  tip: TipSummary;
  /** Tips joined to this lead besides its own. */
  linkedTips: number;
  open: boolean;
}

/** A case's 线索核查 as dispatch's own events tell it: its leads, and every tip already handled. */
export interface CaseLeads {
  leads: ReadonlyMap<string, Lead>;
  tips: ReadonlySet<string>;
}

export const noLeads = (): CaseLeads => ({ leads: new Map(), tips: new Set() });

/** What a tip calls for: a lead of its own, a link to an open lead, or nothing (already handled). */
export type TipDecision =
  { kind: 'assign'; task: PlannedTask } | { kind: 'link'; taskId: string; event: DomainEventOf<'TipLinkedToLead'> } | { kind: 'handled' };

/** Folds a lead task's events; every other event leaves the case's leads as they are. */
export function evolveLeads(state: CaseLeads, event: DomainEvent): CaseLeads {
  const leads = new Map(state.leads);
  const tips = new Set(state.tips);
  const lead = 'taskId' in event.data ? leads.get(event.data.taskId) : undefined;
  switch (event.type) {
    case 'LeadVerificationTaskAssigned': {
      const { taskId, alertId, tip, tipId } = event.data;
      leads.set(taskId, { taskId, alertId, tip, linkedTips: 0, open: true });
      tips.add(tipId);
      break;
    }
    case 'TipLinkedToLead':
      if (lead) leads.set(lead.taskId, { ...lead, linkedTips: event.data.linkedTips });
      tips.add(event.data.tipId);
      break;
    case 'TaskCompleted':
      if (lead) leads.set(lead.taskId, { ...lead, open: false });
      break;
    default:
      return state;
  }
  return { leads, tips };
}

/**
 * 线索核查: a tip near an open lead of its alert (within 1 km and 30 minutes of the lead's own
 * tip) joins the nearest such lead; any other tip opens a lead at the center responsible for its
 * place: the most local center of its region code, or without one the nearest local center.
 */
export function planTip(tip: EventData<'TipReceived'>, state: CaseLeads, ctx: PlanContext): TipDecision {
  if (state.tips.has(tip.tipId)) return { kind: 'handled' };
  const summary: TipSummary = {
    description: tip.description,
    lat: tip.place.lat,
    lon: tip.place.lon,
    ...(tip.place.address === undefined ? {} : { address: tip.place.address }),
    seenAt: tip.seenAt,
  };
  const near = nearestOpenLead(tip.alertId, summary, state);
  if (near) {
    return {
      kind: 'link',
      taskId: near.lead.taskId,
      event: {
        type: 'TipLinkedToLead',
        data: {
          taskId: near.lead.taskId,
          caseId: tip.caseId,
          alertId: tip.alertId,
          tipId: tip.tipId,
          tip: summary,
          distanceKm: Math.round(near.km * 1000) / 1000,
          linkedTips: near.lead.linkedTips + 1,
          linkedAt: ctx.now.toISOString(),
        },
      },
    };
  }
  const center = tip.place.regionCode ? ctx.directory.centerForRegion(tip.place.regionCode) : ctx.directory.nearestLocalCenter(tip.place);
  const taskId = taskIds.leadVerification(tip.caseId, tip.tipId);
  return {
    kind: 'assign',
    task: {
      taskId,
      kind: 'lead-verification',
      event: {
        type: 'LeadVerificationTaskAssigned',
        data: {
          taskId,
          caseId: tip.caseId,
          alertId: tip.alertId,
          tipId: tip.tipId,
          commandCenterId: center.id,
          assignedAt: ctx.now.toISOString(),
          deadlineAt: deadlineFor('lead-verification', ctx.now, ctx.deadlines).toISOString(),
          tip: summary,
        },
      },
    },
  };
}

function nearestOpenLead(alertId: string, tip: TipSummary, state: CaseLeads): { lead: Lead; km: number } | undefined {
  const seenAt = Date.parse(tip.seenAt);
  return [...state.leads.values()]
    .filter((lead) => lead.open && lead.alertId === alertId && Math.abs(Date.parse(lead.tip.seenAt) - seenAt) <= COLLAPSE_MS)
    .map((lead) => ({ lead, km: distanceKm(tip, lead.tip) }))
    .filter((near) => near.km <= COLLAPSE_KM)
    .sort((a, b) => a.km - b.km || a.lead.taskId.localeCompare(b.lead.taskId))[0];
}
