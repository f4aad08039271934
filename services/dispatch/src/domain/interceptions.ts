import type { Decider, DomainEvent, DomainEventOf } from '@rapid-search/events';
import { deadlineFor, type AckDeadlines } from './deadlines.js';
import type { HubInReach } from './directory.js';
import { taskIds } from './assignment.js';

/** 堵截: one case's interceptions, the stream that tasks each hub once however the search moves. */
export const interceptionsStream = (caseId: string): string => `interceptions-${caseId}`;

export type InterceptionsAssigned = DomainEventOf<'InterceptionTasksAssigned'>;

/** The hubs the case has tasked so far. */
export interface InterceptionsState {
  tasked: ReadonlySet<string>;
}

/** Intercept at these hubs, in reach of `radiusKm` from where the child was last seen. */
export interface AssignInterceptions {
  caseId: string;
  hubs: readonly HubInReach[];
  radiusKm: number;
  now: Date;
  deadlines: AckDeadlines;
}

/**
 * A quick search, a widening and a confirmed sighting each name the hubs in reach; the case's
 * stream answers which of them are new. Two such steps racing meet at the stream's version, and the
 * later one is decided again on what the first assigned, so no hub is ever tasked twice.
 */
export const interceptionsDecider: Decider<AssignInterceptions, InterceptionsState, InterceptionsAssigned> = {
  initialState: () => ({ tasked: new Set() }),
  evolve: (state, event: DomainEvent) =>
    event.type === 'InterceptionTasksAssigned' ? { tasked: new Set([...state.tasked, ...event.data.tasks.map((t) => t.hub.id)]) } : state,
  decide: ({ caseId, hubs, radiusKm, now, deadlines }, state) => {
    const fresh = hubs.filter(({ hub }) => !state.tasked.has(hub.id));
    if (fresh.length === 0) return [];
    return [
      {
        type: 'InterceptionTasksAssigned',
        data: {
          caseId,
          assignedAt: now.toISOString(),
          deadlineAt: deadlineFor('interception', now, deadlines).toISOString(),
          radiusKm,
          tasks: fresh.map(({ hub, distanceKm }) => ({
            taskId: taskIds.interception(caseId, hub.id),
            commandCenterId: hub.commandCenterId,
            hub: { id: hub.id, name: hub.name, kind: hub.kind, lat: hub.lat, lon: hub.lon, regionCode: hub.regionCode },
            distanceKm: Math.round(distanceKm * 1000) / 1000,
          })),
        },
      },
    ];
  },
};
