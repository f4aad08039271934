import { handleCommand, type Actor, type Clock, type PgEventStore } from '@rapid-search/events';
import { dnaDecider, dnaStream, type DnaCommand, type LabResult } from '../domain/dna.js';
import { taskStream } from '../domain/task.js';
import { caseOf, commandMetadata } from './metadata.js';

type Donor = 'mother' | 'father' | 'guardian' | 'child';

/** The chain of custody of a DNA task's samples lives in one stream per task: `dna-<taskId>`. */
export function dnaCommands(store: PgEventStore, clock: Clock) {
  const run = async (command: DnaCommand) => {
    const { positions, events } = await handleCommand(store, dnaDecider, command, {
      streamId: dnaStream(command.taskId),
      reads: [taskStream(command.taskId)],
      metadata: commandMetadata(command.actor),
      caseId: caseOf,
    });
    return { taskId: command.taskId, positions, types: events.map((e) => e.type) };
  };
  return {
    collect: (taskId: string, sampleId: string, donor: Donor, actor: Actor) =>
      run({ kind: 'Collect', taskId, sampleId, donor, actor, now: clock.now() }),
    seal: (taskId: string, sampleId: string, sealNumber: string, actor: Actor) =>
      run({ kind: 'Seal', taskId, sampleId, sealNumber, actor, now: clock.now() }),
    receive: (taskId: string, sampleId: string, labId: string, actor: Actor) =>
      run({ kind: 'Receive', taskId, sampleId, labId, actor, now: clock.now() }),
    result: (taskId: string, sampleId: string, labId: string, result: LabResult, actor: Actor) =>
      run({ kind: 'LabResult', taskId, sampleId, labId, actor, now: clock.now(), ...result }),
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
