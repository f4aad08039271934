import type { DomainEventOf } from '@rapid-search/events';
import { Directory, type CommandCenter, type TransportHub } from './directory.js';
import { DEFAULT_ACK_DEADLINES } from './deadlines.js';

const cc = (id: string, level: CommandCenter['level'], regionCode: string, parentId: string | null, jurisdiction: string[]): CommandCenter => ({
  id,
  name: id,
  regionCode,
  level,
  parentId,
  lat: 25,
  lon: 102.7,
  jurisdiction: [regionCode, ...jurisdiction],
});

/** A small world: nation → Yunnan → Kunming → Guandu, and three hubs at known distances. */
export const centers: CommandCenter[] = [
  cc('cc-mps-cid', 'national', '100000', null, ['110000']),
  cc('cc-yunnan', 'province', '530000', 'cc-mps-cid', ['530300']),
  cc('cc-kunming', 'city', '530100', 'cc-yunnan', ['530124']),
  cc('cc-kunming-guandu', 'county', '530111', 'cc-kunming', []),
];

const hub = (id: string, lat: number, lon: number, commandCenterId: string): TransportHub => ({
  id,
  name: id,
  kind: 'railway',
  lat,
  lon,
  regionCode: '530111',
  commandCenterId,
});

/** Distances from GUANDU_POINT: station ~6.7 km, airport ~20 km, qujing ~125 km. */
export const hubs: TransportHub[] = [
  hub('hub-station', 25.02, 102.72, 'cc-kunming-guandu'),
  hub('hub-airport', 25.1, 102.93, 'cc-kunming'),
  hub('hub-qujing', 25.5, 103.79, 'cc-yunnan'),
];

export const GUANDU_POINT = { lat: 24.96, lon: 102.76, regionCode: '530111' };
export const directory = new Directory(centers, hubs);
export const NOW = new Date('2026-11-22T10:00:00.000Z');
export const ctx = { directory, deadlines: DEFAULT_ACK_DEADLINES, now: NOW };

/** One interception of a step: its task, the hub's center, the hub, how far from the last-seen point. */
export type StepEntry = [taskId: string, commandCenterId: string, hubId: string, distanceKm: number];

/** A step of case-1's search at NOW that tasks these hubs, with the five-minute interception deadline. */
export function interceptionStep(entries: StepEntry[], radiusKm = 100): DomainEventOf<'InterceptionTasksAssigned'> {
  return {
    type: 'InterceptionTasksAssigned',
    data: {
      caseId: 'case-1',
      assignedAt: NOW.toISOString(),
      deadlineAt: '2026-11-22T10:05:00.000Z',
      radiusKm,
      tasks: entries.map(([taskId, commandCenterId, hubId, distanceKm]) => ({
        taskId,
        commandCenterId,
        hub: { id: hubId, name: hubId, kind: 'railway', lat: 25, lon: 102.7, regionCode: '530111' },
        distanceKm,
      })),
    },
  };
}
