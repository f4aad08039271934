import { causedBy, decodeStored, deriveId, type ConsumedEvent, type PgEventStore } from '@rapid-search/events';
import type { PlanContext } from '../domain/assignment.js';
import { evolveLeads, noLeads, planTip, type CaseLeads } from '../domain/leads.js';
import { taskStream } from '../domain/task.js';
import { SYSTEM_ACTOR } from '../commands/metadata.js';
import { FEED_COLUMNS, toStored, type FeedRow } from '../projections/console-reads.js';
import { assignTasks } from './assign-tasks.js';

const LEAD_EVENTS = ['LeadVerificationTaskAssigned', 'TipLinkedToLead', 'TaskCompleted'];

/**
 * 线索核查: each tip opens a lead task or joins an open lead of its alert.
 *
 * Whether a tip joins depends on the leads before it, so a case's tips are decided one after
 * another, in order: the alert topic is keyed by case, so one consumer holds all of a case's tips
 * and reads them in the order they were received. The leads are read from dispatch's own events,
 * not the tasks read model, which lags the appends: a lead opened by the tip just before is in the
 * store as soon as its append returns. Within a chunk each decision is folded into the case's
 * leads before the next tip is decided, and each is appended before the next, so a crash leaves a
 * prefix of the decisions: the redelivery reads it back, skips the tips already handled and decides
 * the rest as before. Ids derive from the tip (task id, link event id), so a repeat writes nothing.
 */
export async function decideTips(store: PgEventStore, tips: readonly ConsumedEvent[], plan: PlanContext): Promise<void> {
  const byCase = new Map<string, ConsumedEvent[]>();
  for (const tip of tips) {
    if (tip.event.type !== 'TipReceived') continue;
    const caseId = tip.event.data.caseId;
    byCase.set(caseId, [...(byCase.get(caseId) ?? []), tip]);
  }
  await Promise.all([...byCase].map(([caseId, caseTips]) => decideInTurn(store, caseId, caseTips, plan)));
}

async function decideInTurn(store: PgEventStore, caseId: string, tips: ConsumedEvent[], plan: PlanContext): Promise<void> {
  let leads = await readCaseLeads(store, caseId);
  for (const source of tips) {
    if (source.event.type !== 'TipReceived') continue;
    const decision = planTip(source.event.data, leads, plan);
    if (decision.kind === 'assign') {
      await assignTasks(store, source, [decision.task]);
      leads = evolveLeads(leads, decision.task.event);
    }
    if (decision.kind === 'link') {
      const metadata = { actor: SYSTEM_ACTOR, ...causedBy(source) };
      const eventId = deriveId(decision.event.data.tipId, 'linked-to-lead');
      await store.append(taskStream(decision.taskId), [{ event: decision.event, eventId, caseId, metadata }], { expectedVersion: 'stream-exists' });
      leads = evolveLeads(leads, decision.event);
    }
  }
}

async function readCaseLeads(store: PgEventStore, caseId: string): Promise<CaseLeads> {
  const { rows } = await store.pool.query<FeedRow>(
    `SELECT ${FEED_COLUMNS} FROM ${store.schema}.events e WHERE e.case_id = $1 AND e.type = ANY($2) ORDER BY e.position`,
    [caseId, LEAD_EVENTS],
  );
  return rows.reduce((leads, row) => {
    const decoded = decodeStored(toStored(row));
    return 'error' in decoded ? leads : evolveLeads(leads, decoded.event);
  }, noLeads());
}
