import type { IdempotentConsumer, ServiceRuntime } from '@rapid-search/events';
import { planReunionEscort } from '../domain/assignment.js';
import { startTaskPlanningConsumer, type TaskPlanningContext } from './task-planning-consumer.js';

/** 护送移交: a child linked to its case by a confirmed match becomes an escort task of the case's centre. */
export function startReunionConsumer(runtime: ServiceRuntime, ctx: TaskPlanningContext): Promise<IdempotentConsumer> {
  return startTaskPlanningConsumer(runtime, ctx, {
    group: 'dispatch-reunions',
    topic: runtime.topics.dispatch,
    types: ['UnknownOriginChildMatchedToCase'],
    // An escort is arranged in minutes: a quarter of a second spent gathering costs it nothing, and
    // the broker is asked for this busy topic a few times a second rather than after every append.
    gatherMs: 250,
    plan: (event, plan) => (event.type === 'UnknownOriginChildMatchedToCase' ? [planReunionEscort(event.data, plan)] : []),
  });
}
