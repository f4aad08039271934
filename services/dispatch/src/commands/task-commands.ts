import { handleCommand, type Actor, type Clock, type PgEventStore } from '@rapid-search/events';
import { taskDecider, taskStream, type TaskCommand } from '../domain/task.js';
import { readsOfTask } from '../projections/assignment-reads.js';
import { caseOf, commandMetadata } from './metadata.js';

export interface TaskCommands {
  acknowledge(taskId: string, actor: Actor): Promise<{ taskId: string; position: number }>;
  complete(taskId: string, actor: Actor, outcome: string, notes?: string): Promise<{ taskId: string; position: number }>;
}

/** Acks and completions, shared by the console socket and HTTP so both answer alike. */
export function taskCommands(store: PgEventStore, clock: Clock): TaskCommands {
  const run = async (command: Extract<TaskCommand, { taskId: string }>) => {
    const { positions } = await handleCommand(store, taskDecider(command.taskId), command, {
      streamId: taskStream(command.taskId),
      reads: await readsOfTask(store.pool, store.schema, command.taskId),
      metadata: commandMetadata(command.actor),
      caseId: caseOf,
    });
    return { taskId: command.taskId, position: positions[0]! };
  };
  return {
    acknowledge: (taskId, actor) => run({ kind: 'Acknowledge', taskId, actor, now: clock.now() }),
    complete: (taskId, actor, outcome, notes) => run({ kind: 'Complete', taskId, actor, outcome, notes, now: clock.now() }),
  };
}
