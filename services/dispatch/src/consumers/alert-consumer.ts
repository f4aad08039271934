import type { IdempotentConsumer, ServiceRuntime } from '@rapid-search/events';
import { planQuickSearch, planSighting, planWidening } from '../domain/assignment.js';
import { startTaskPlanningConsumer, type TaskPlanningContext } from './task-planning-consumer.js';

/** 快速查找: quick-search activations, radius widenings and confirmed sightings become tasks. */
export function startAlertConsumer(runtime: ServiceRuntime, ctx: TaskPlanningContext): Promise<IdempotentConsumer> {
  return startTaskPlanningConsumer(runtime, ctx, {
    group: 'dispatch-alerts',
    topic: runtime.topics.alert,
    types: ['QuickSearchActivated', 'PublicReleaseRadiusWidened', 'SightingConfirmed'],
    plan: (event, plan) => {
      if (event.type === 'QuickSearchActivated') return planQuickSearch(event.data, plan);
      if (event.type === 'PublicReleaseRadiusWidened') return planWidening(event.data, plan);
      if (event.type === 'SightingConfirmed') return planSighting(event.data, plan);
      return [];
    },
  });
}
