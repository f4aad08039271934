import type { Actor, PgEventStore } from '@rapid-search/events';
import type { Clock } from '../clock.js';
import { decideAcknowledge, decideComplete, replayTask, taskStream } from '../domain/task.js';
import { execute } from './execute.js';
import { commandMetadata } from './metadata.js';

export interface TaskCommands {
  acknowledge(taskId: string, actor: Actor): Promise<{ taskId: string; position: number }>;
  complete(taskId: string, actor: Actor, outcome: string, notes?: string): Promise<{ taskId: string; position: number }>;
}

/** Acks and completions, shared by the console socket and HTTP so both answer alike. */
export function taskCommands(store: PgEventStore, clock: Clock): TaskCommands {
  const run = async (taskId: string, actor: Actor, decide: Parameters<typeof execute>[2]) => {
    const { positions } = await execute(store, taskStream(taskId), decide, {
      metadata: commandMetadata(actor),
      caseId: (events) => (events[0]?.data as { caseId: string }).caseId,
    });
    return { taskId, position: positions[0]! };
  };
  return {
    acknowledge: (taskId, actor) =>
      run(taskId, actor, (_history, own) => decideAcknowledge(replayTask(own), { taskId, actor, now: clock.now() })),
    complete: (taskId, actor, outcome, notes) =>
      run(taskId, actor, (_history, own) => decideComplete(replayTask(own), { taskId, actor, outcome, notes, now: clock.now() })),
  };
}
