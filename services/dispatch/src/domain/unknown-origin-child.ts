import { RuleViolation, type Decider, type DomainEvent, type EventData } from '@rapid-search/events';
import { needCustodian, type CustodyActor } from './custody-access.js';
import { deadlineFor, type AckDeadlines } from './deadlines.js';
import { evolveTask, type TaskState } from './task.js';

/** The DNA-sampling task of a child of unknown origin: one per child, found from the child's reference. */
export const childTaskId = (childRef: string): string => `dna-sampling-${childRef}`;

type Description = Omit<EventData<'UnknownOriginChildRecorded'>, 'childRef' | 'caseId' | 'taskId' | 'commandCenterId' | 'recordedBy' | 'recordedAt'>;

export interface RecordChild extends CustodyActor, Description {
  kind: 'RecordChild';
  childRef: string;
  /** The command centre of the place the child is: it holds the sampling task. */
  commandCenterId: string;
  deadlines: AckDeadlines;
  now: Date;
}

/**
 * 来历不明儿童: the record and its DNA-sampling task (采血入库) open the task's stream together, so
 * a child is never recorded without the task that samples it. Only police of the centre where
 * the child is — its console, or an officer whose jurisdiction holds it — record the child.
 */
export const childRecordDecider: Decider<RecordChild, TaskState | null> = {
  initialState: () => null,
  evolve: evolveTask,
  decide: (cmd, state) => {
    const taskId = childTaskId(cmd.childRef);
    if (state) throw new RuleViolation('CHILD_ALREADY_RECORDED', `child ${cmd.childRef} is already recorded`);
    const at = cmd.now.toISOString();
    const deadlineAt = deadlineFor('dna-sampling', cmd.now, cmd.deadlines).toISOString();
    const { childRef, commandCenterId } = cmd;
    const task: TaskState = { taskId, caseId: childRef, kind: 'dna-sampling', commandCenterId, status: 'assigned', deadlineAt, childRef };
    needCustodian(task, cmd);
    const { foundAt, place, apparentAgeYears, sex, circumstances, placement } = cmd;
    const events: DomainEvent[] = [
      {
        type: 'DnaSamplingTaskAssigned',
        data: { taskId, caseId: childRef, commandCenterId, deadlineAt, assignedAt: at, subject: 'child-of-unknown-origin', childRef },
      },
      {
        type: 'UnknownOriginChildRecorded',
        data: {
          childRef,
          caseId: childRef,
          taskId,
          commandCenterId,
          foundAt,
          place,
          apparentAgeYears,
          sex,
          circumstances,
          ...(placement ? { placement } : {}),
          recordedBy: cmd.actor.id,
          recordedAt: at,
        },
      },
    ];
    return events;
  },
};
