import { deriveId, type EventData } from '@rapid-search/events';
import { deadlineFor, type AckDeadlines, type TaskKind } from './deadlines.js';
import type { Directory, HubInReach } from './directory.js';
import type { AssignInterceptions } from './interceptions.js';
import type { AssignmentEvent } from './task.js';

/** A task to open: its own stream `task-<taskId>`, whose first event is the assignment. */
export interface PlannedTask {
  taskId: string;
  kind: TaskKind;
  event: AssignmentEvent;
}

export interface PlanContext {
  directory: Directory;
  deadlines: AckDeadlines;
  now: Date;
}

/**
 * Task ids derive from the case and what the task is about, so the same hub is never tasked twice
 * for one case however often the alert or a widening is delivered.
 */
export const taskIds = {
  interception: (caseId: string, hubId: string) => deriveId(caseId, 'interception', hubId),
  search: (caseId: string, kind: 'area-search' | 'video-review') => deriveId(caseId, kind),
  dnaSampling: (caseId: string) => deriveId(caseId, 'dna-sampling', 'missing-child-parents'),
  escort: (caseId: string, handoverId: string) => deriveId(caseId, 'escort', handoverId),
  reunionEscort: (caseId: string, childRef: string) => deriveId(caseId, 'reunion-escort', childRef),
  leadVerification: (caseId: string, tipId: string) => deriveId(caseId, 'lead-verification', tipId),
};

/** What a step of the search calls for: tasks that open streams of their own, and interception at hubs in reach. */
export interface SearchPlan {
  tasks: PlannedTask[];
  /** For the case's interception stream, which tasks only the hubs it has not tasked yet; null when no hub is in reach. */
  interceptions: AssignInterceptions | null;
}

/** 快速查找: interception at every hub in reach, area search, video review and parents' DNA sampling. */
export function planQuickSearch(activation: EventData<'QuickSearchActivated'>, ctx: PlanContext): SearchPlan {
  const { caseId, lastSeen, radiusKm } = activation;
  const local = ctx.directory.centerForRegion(lastSeen.regionCode);
  const base = (kind: TaskKind, taskId: string) => ({
    taskId,
    caseId,
    assignedAt: ctx.now.toISOString(),
    deadlineAt: deadlineFor(kind, ctx.now, ctx.deadlines).toISOString(),
  });
  const area = { lat: lastSeen.lat, lon: lastSeen.lon, regionCode: lastSeen.regionCode, radiusKm };
  const searches = (['area-search', 'video-review'] as const).map((kind): PlannedTask => {
    const taskId = taskIds.search(caseId, kind);
    return {
      taskId,
      kind,
      event: { type: 'SearchTaskAssigned', data: { ...base(kind, taskId), commandCenterId: local.id, kind, area } },
    };
  });
  const dnaTaskId = taskIds.dnaSampling(caseId);
  const dna: PlannedTask = {
    taskId: dnaTaskId,
    kind: 'dna-sampling',
    event: {
      type: 'DnaSamplingTaskAssigned',
      data: { ...base('dna-sampling', dnaTaskId), commandCenterId: local.id, subject: 'missing-child-parents' },
    },
  };
  return { tasks: [...searches, dna], interceptions: interceptions(caseId, ctx.directory.hubsWithin(lastSeen, radiusKm), radiusKm, ctx) };
}

/** The release radius widened: interception at the hubs the new ring reaches. */
export function planWidening(widened: EventData<'PublicReleaseRadiusWidened'>, ctx: PlanContext): SearchPlan {
  const hubs = newlyReachedHubs(ctx.directory, widened.center, widened.fromKm, widened.toKm);
  return { tasks: [], interceptions: interceptions(widened.caseId, hubs, widened.toKm, ctx) };
}

/**
 * The search follows the child: interception at the hubs in reach of a confirmed sighting, of
 * which the case's stream keeps only those it has not tasked before.
 */
export function planSighting(sighting: EventData<'SightingConfirmed'>, ctx: PlanContext): SearchPlan {
  const hubs = ctx.directory.hubsWithin(sighting.lastSeen, sighting.radiusKm);
  return { tasks: [], interceptions: interceptions(sighting.caseId, hubs, sighting.radiusKm, ctx) };
}

export function newlyReachedHubs(directory: Directory, center: { lat: number; lon: number }, fromKm: number, toKm: number): HubInReach[] {
  return directory.hubsWithin(center, toKm).filter((h) => h.distanceKm > fromKm);
}

/** 移交民政: the escort goes to the command center where the child is now. */
export function planEscort(handover: EventData<'HandoverToCivilAffairsInitiated'>, ctx: PlanContext): PlannedTask {
  const { caseId, handoverId, childLocation, institution } = handover;
  const taskId = taskIds.escort(caseId, handoverId);
  return {
    taskId,
    kind: 'escort',
    event: {
      type: 'EscortTaskAssigned',
      data: {
        taskId,
        caseId,
        commandCenterId: ctx.directory.centerForRegion(childLocation.regionCode).id,
        assignedAt: ctx.now.toISOString(),
        deadlineAt: deadlineFor('escort', ctx.now, ctx.deadlines).toISOString(),
        handoverId,
        institutionId: institution.id,
        from: childLocation,
      },
    },
  };
}

/**
 * 护送移交: a child linked to its case by a confirmed match goes to the parents the match
 * identified, escorted by the case's centre. A household the child was found placed in is
 * presumed the buying family: the task names it so that no one takes the child back there.
 */
export function planReunionEscort(link: EventData<'UnknownOriginChildMatchedToCase'>, ctx: PlanContext): PlannedTask {
  const { caseId, childRef, caseCommandCenterId, place, placement } = link;
  const taskId = taskIds.reunionEscort(caseId, childRef);
  const buyingHousehold =
    placement?.kind === 'household'
      ? { ...(placement.id ? { id: placement.id } : {}), ...(placement.address ? { address: placement.address } : {}) }
      : undefined;
  return {
    taskId,
    kind: 'escort',
    event: {
      type: 'ReunionEscortTaskAssigned',
      data: {
        taskId,
        caseId,
        commandCenterId: caseCommandCenterId,
        assignedAt: ctx.now.toISOString(),
        deadlineAt: deadlineFor('escort', ctx.now, ctx.deadlines).toISOString(),
        childRef,
        from: { lat: place.lat, lon: place.lon, regionCode: place.regionCode },
        to: 'identified-parents',
        ...(buyingHousehold ? { buyingHousehold } : {}),
      },
    },
  };
}

function interceptions(caseId: string, hubs: HubInReach[], radiusKm: number, ctx: PlanContext): AssignInterceptions | null {
  return hubs.length === 0 ? null : { caseId, hubs, radiusKm, now: ctx.now, deadlines: ctx.deadlines };
}
