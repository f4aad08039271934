import type { Actor, DomainEvent, PgEventStore } from '@rapid-search/events';
import type { Clock } from '../clock.js';
import { decideCollect, decideLabResult, decideReceive, decideSeal, dnaStream, replayDna, type DnaState, type LabResult } from '../domain/dna.js';
import { replayTask, taskStream, type TaskState } from '../domain/task.js';
import { execute } from './execute.js';
import { commandMetadata } from './metadata.js';

type Donor = 'mother' | 'father' | 'guardian' | 'child';

/** The chain of custody of a DNA task's samples lives in one stream per task: `dna-<taskId>`. */
export function dnaCommands(store: PgEventStore, clock: Clock) {
  const run = async (taskId: string, actor: Actor, decide: (task: TaskState | null, dna: DnaState, now: Date) => DomainEvent[]) => {
    const { positions, events } = await execute(
      store,
      dnaStream(taskId),
      async (history, own) => decide(replayTask(await history(taskStream(taskId))), replayDna(own), clock.now()),
      { metadata: commandMetadata(actor), caseId: (events) => (events[0]?.data as { caseId: string }).caseId },
    );
    return { taskId, positions, types: events.map((e) => e.type) };
  };
  return {
    collect: (taskId: string, sampleId: string, donor: Donor, actor: Actor) =>
      run(taskId, actor, (task, dna, now) => decideCollect(task, dna, { taskId, sampleId, donor, actor, now })),
    seal: (taskId: string, sampleId: string, sealNumber: string, actor: Actor) =>
      run(taskId, actor, (task, dna, now) => decideSeal(task, dna, { taskId, sampleId, sealNumber, actor, now })),
    receive: (taskId: string, sampleId: string, labId: string, actor: Actor) =>
      run(taskId, actor, (task, dna, now) => decideReceive(task, dna, { taskId, sampleId, labId, actor, now })),
    result: (taskId: string, sampleId: string, labId: string, result: LabResult, actor: Actor) =>
      run(taskId, actor, (task, dna, now) => decideLabResult(task, dna, { taskId, sampleId, labId, actor, now, ...result })),
  };
}
export type DnaCommands = ReturnType<typeof dnaCommands>;

/** References into the DNA database are shown only to police and the lab; others see that one exists. */
export const SEES_DNA_REFS = ['officer', 'console', 'lab'] as const;

export function maskDnaRefs(data: Record<string, unknown>, role: string): Record<string, unknown> {
  if ((SEES_DNA_REFS as readonly string[]).includes(role)) return data;
  const masked = { ...data };
  for (const key of ['profileRef', 'matchRef']) if (key in masked) masked[key] = '[masked]';
  return masked;
}
