import { newId, type PgEventStore } from '@rapid-search/events';

export const GUANDU_CC = 'cc-kunming-guandu';
export const KUNMING_CC = 'cc-kunming';

const metadata = (caseId: string) => ({ actor: { id: 'test', role: 'system' as const }, correlationId: caseId, causationId: null });

/** Opens an area search for a center, with a deadline no test reaches (the escalator leaves it alone). */
export async function assignTask(store: PgEventStore, centerId: string): Promise<{ taskId: string; caseId: string; position: number }> {
  const caseId = `case-${newId()}`;
  const taskId = newId();
  const now = new Date().toISOString();
  const deadlineAt = new Date(Date.now() + 86_400_000).toISOString();
  const { positions } = await store.append(
    `task-${taskId}`,
    [
      {
        event: {
          type: 'SearchTaskAssigned',
          data: {
            taskId,
            caseId,
            commandCenterId: centerId,
            assignedAt: now,
            deadlineAt,
            kind: 'area-search',
            area: { lat: 24.96, lon: 102.76, regionCode: '530111', radiusKm: 5 },
          },
        },
        caseId,
        metadata: metadata(caseId),
      },
    ],
    { expectedVersion: 'no-stream' },
  );
  return { taskId, caseId, position: positions[0]! };
}

/** Moves a just-assigned task one level up: from then on both centers see it. */
export async function escalateTask(store: PgEventStore, task: { taskId: string; caseId: string }, from: string, to: string): Promise<number> {
  const now = new Date().toISOString();
  const { positions } = await store.append(
    `task-${task.taskId}`,
    [
      {
        event: {
          type: 'TaskEscalated',
          data: {
            taskId: task.taskId,
            caseId: task.caseId,
            fromCommandCenterId: from,
            toCommandCenterId: to,
            reason: 'not-acknowledged',
            missedDeadlineAt: now,
            deadlineAt: new Date(Date.now() + 86_400_000).toISOString(),
            escalatedAt: now,
          },
        },
        caseId: task.caseId,
        metadata: metadata(task.caseId),
      },
    ],
    { expectedVersion: 1 },
  );
  return positions[0]!;
}
