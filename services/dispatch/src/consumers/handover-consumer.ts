import type { IdempotentConsumer, ServiceRuntime } from '@rapid-search/events';
import { planEscort } from '../domain/assignment.js';
import { startTaskPlanningConsumer, type TaskPlanningContext } from './task-planning-consumer.js';

/** 移交民政: a handover to civil affairs becomes an escort task where the child is. */
export function startHandoverConsumer(runtime: ServiceRuntime, ctx: TaskPlanningContext): Promise<IdempotentConsumer> {
  return startTaskPlanningConsumer(runtime, ctx, {
    group: 'dispatch-ledger',
    topic: runtime.topics.ledger,
    types: ['HandoverToCivilAffairsInitiated'],
    // An escort is arranged in minutes: a quarter of a second spent gathering costs it nothing, and
    // the broker is asked for this busy topic a few times a second rather than after every append.
    gatherMs: 250,
    plan: (event, plan) => (event.type === 'HandoverToCivilAffairsInitiated' ? [planEscort(event.data, plan)] : []),
  });
}
