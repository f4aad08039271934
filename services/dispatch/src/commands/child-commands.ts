import { handleCommand, newId, type Clock, type PgEventStore, type Principal } from '@rapid-search/events';
import type { AckDeadlines } from '../domain/deadlines.js';
import type { Directory } from '../domain/directory.js';
import { dnaStream } from '../domain/dna.js';
import { registrationGateDecider } from '../domain/registration-gate.js';
import { taskStream } from '../domain/task.js';
import { childRecordDecider, childTaskId, type RecordChild } from '../domain/unknown-origin-child.js';
import { dnaCallerOf } from './dna-commands.js';
import { caseOf, commandMetadata } from './metadata.js';

export type ChildDescription = Omit<RecordChild, 'kind' | 'childRef' | 'commandCenterId' | 'deadlines' | 'now' | 'actor' | 'unitRegion' | 'regionOf'>;

/** Children of unknown origin: their record with its sampling task, and the registration gate. */
export function childCommands(store: PgEventStore, clock: Clock, directory: Directory, deadlines: AckDeadlines) {
  const regionOf = (id: string) => directory.center(id)?.regionCode;
  return {
    record: async (description: ChildDescription, principal: Principal) => {
      const childRef = `child-${newId()}`;
      const commandCenterId = directory.centerForRegion(description.place.regionCode).id;
      const command: RecordChild = {
        kind: 'RecordChild',
        ...description,
        childRef,
        commandCenterId,
        deadlines,
        now: clock.now(),
        ...dnaCallerOf(principal),
        regionOf,
      };
      await handleCommand(store, childRecordDecider, command, {
        streamId: taskStream(childTaskId(childRef)),
        metadata: commandMetadata(command.actor),
        caseId: caseOf,
      });
      return { childRef, taskId: childTaskId(childRef), commandCenterId };
    },
    check: async (childRef: string, principal: Principal) => {
      const checkId = `registration-check-${newId()}`;
      const taskId = childTaskId(childRef);
      const { actor, unitRegion } = dnaCallerOf(principal);
      const { events } = await handleCommand(
        store,
        registrationGateDecider,
        { checkId, childRef, taskId, actor, grants: principal.grants, unitRegion, now: clock.now() },
        {
          streamId: `registration-${childRef}`,
          reads: [taskStream(taskId), dnaStream(taskId)],
          metadata: commandMetadata(actor),
          caseId: caseOf,
        },
      );
      return events[0]!.data;
    },
  };
}
export type ChildCommands = ReturnType<typeof childCommands>;
