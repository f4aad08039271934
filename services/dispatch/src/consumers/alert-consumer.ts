import { startIdempotentConsumer, type DomainEvent, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';
import { planQuickSearch, planSighting, planWidening, type PlanContext, type SearchPlan } from '../domain/assignment.js';
import { assignInterceptions } from './assign-interceptions.js';
import { assignTasks } from './assign-tasks.js';
import { decideTips } from './tip-decisions.js';
import type { TaskPlanningContext } from './task-planning-consumer.js';

/**
 * 快速查找 and 线索核查: quick-search activations, radius widenings and confirmed sightings become
 * tasks, and each tip a lead-verification task or a link to an open lead. Both come off the alert
 * topic on the way to the consoles, so one consumer reads them: one fetch and one decoding of each
 * message for both. Every effect dedupes itself (ids derived from the source), so a chunk costs
 * its group-committed appends and nothing more.
 */
export function startAlertConsumer(runtime: ServiceRuntime, ctx: TaskPlanningContext): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}dispatch-alerts`,
    topics: [runtime.topics.alert],
    logger: runtime.logger,
    types: ['QuickSearchActivated', 'PublicReleaseRadiusWidened', 'SightingConfirmed', 'TipReceived'],
    dedupe: 'by-handler',
    handle: async (sources) => {
      const plan = { directory: ctx.directory, deadlines: ctx.deadlines, now: ctx.clock.now() };
      await Promise.all([
        ...sources.map(async (source) => {
          const { tasks, interceptions } = planSearch(source.event, plan);
          await Promise.all([
            assignTasks(runtime.store, source, tasks),
            interceptions && assignInterceptions(runtime.store, source, interceptions, source.event.type === 'QuickSearchActivated'),
          ]);
        }),
        decideTips(runtime.store, sources, plan),
      ]);
    },
  });
}

function planSearch(event: DomainEvent, plan: PlanContext): SearchPlan {
  if (event.type === 'QuickSearchActivated') return planQuickSearch(event.data, plan);
  if (event.type === 'PublicReleaseRadiusWidened') return planWidening(event.data, plan);
  if (event.type === 'SightingConfirmed') return planSighting(event.data, plan);
  return { tasks: [], interceptions: null };
}
