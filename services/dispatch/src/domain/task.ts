import { NotFound, RuleViolation, type Actor, type Decider, type DomainEvent, type DomainEventOf } from '@rapid-search/events';
import { deadlineFor, type AckDeadlines, type TaskKind } from './deadlines.js';

export type TaskStatus = 'assigned' | 'acknowledged' | 'completed';

export interface TaskState {
  taskId: string;
  caseId: string;
  kind: TaskKind;
  /** The center the task is assigned to now; after an escalation, the one above. */
  commandCenterId: string;
  status: TaskStatus;
  deadlineAt: string;
  /** The child a DNA-sampling task samples, when it is a child of unknown origin. */
  childRef?: string;
}

export const taskStream = (taskId: string): string => `task-${taskId}`;

export type AssignmentEvent = DomainEventOf<
  'InterceptionTaskAssigned' | 'SearchTaskAssigned' | 'DnaSamplingTaskAssigned' | 'EscortTaskAssigned' | 'ReunionEscortTaskAssigned'
>;

export function isAssignment(event: DomainEvent): event is AssignmentEvent {
  return (
    event.type === 'InterceptionTaskAssigned' ||
    event.type === 'SearchTaskAssigned' ||
    event.type === 'DnaSamplingTaskAssigned' ||
    event.type === 'EscortTaskAssigned' ||
    event.type === 'ReunionEscortTaskAssigned'
  );
}

export function kindOf(event: AssignmentEvent): TaskKind {
  switch (event.type) {
    case 'InterceptionTaskAssigned':
      return 'interception';
    case 'SearchTaskAssigned':
      return event.data.kind;
    case 'DnaSamplingTaskAssigned':
      return 'dna-sampling';
    case 'EscortTaskAssigned':
    case 'ReunionEscortTaskAssigned':
      return 'escort';
  }
}

export function evolveTask(state: TaskState | null, event: DomainEvent): TaskState | null {
  if (isAssignment(event)) {
    const { taskId, caseId, commandCenterId, deadlineAt } = event.data;
    const childRef = event.type === 'DnaSamplingTaskAssigned' ? event.data.childRef : undefined;
    return { taskId, caseId, kind: kindOf(event), commandCenterId, status: 'assigned', deadlineAt, ...(childRef ? { childRef } : {}) };
  }
  if (!state) return state;
  switch (event.type) {
    case 'TaskAcknowledged':
      return { ...state, status: 'acknowledged' };
    case 'TaskCompleted':
      return { ...state, status: 'completed' };
    case 'TaskEscalated':
      return { ...state, commandCenterId: event.data.toCommandCenterId, deadlineAt: event.data.deadlineAt };
    default:
      return state;
  }
}

export type TaskCommand =
  | { kind: 'Acknowledge'; taskId: string; actor: Actor; now: Date }
  | { kind: 'Complete'; taskId: string; actor: Actor; outcome: string; notes?: string | undefined; now: Date }
  | { kind: 'Escalate'; now: Date; parentOf: (centerId: string) => string | null; deadlines: AckDeadlines };

/** A task in its own stream `task-<taskId>`, opened by its assignment; null until then. */
export const taskDecider: Decider<TaskCommand, TaskState | null> = {
  initialState: () => null,
  evolve: evolveTask,
  decide: (command, state) => {
    switch (command.kind) {
      case 'Acknowledge':
        return acknowledge(state, command);
      case 'Complete':
        return complete(state, command);
      case 'Escalate':
        return escalate(state, command);
    }
  },
};

/** Only the center the task is assigned to may act on it from a console; officers act in the field. */
function actOn(state: TaskState | null, taskId: string, actor: Actor): TaskState {
  if (!state) throw new NotFound('task', taskId);
  if (actor.role === 'console' && actor.commandCenterId !== state.commandCenterId) {
    throw new RuleViolation('TASK_NOT_YOURS', `task ${taskId} is assigned to another command center`, { status: 403 });
  }
  if (state.status === 'completed') {
    throw new RuleViolation('TASK_ALREADY_COMPLETED', `task ${taskId} is already completed`);
  }
  return state;
}

function acknowledge(state: TaskState | null, cmd: Extract<TaskCommand, { kind: 'Acknowledge' }>): DomainEvent[] {
  const task = actOn(state, cmd.taskId, cmd.actor);
  if (task.status === 'acknowledged') {
    throw new RuleViolation('TASK_ALREADY_ACKNOWLEDGED', `task ${cmd.taskId} is already acknowledged`);
  }
  return [
    {
      type: 'TaskAcknowledged',
      data: {
        taskId: task.taskId,
        caseId: task.caseId,
        commandCenterId: task.commandCenterId,
        acknowledgedBy: cmd.actor.id,
        acknowledgedAt: cmd.now.toISOString(),
      },
    },
  ];
}

function complete(state: TaskState | null, cmd: Extract<TaskCommand, { kind: 'Complete' }>): DomainEvent[] {
  const task = actOn(state, cmd.taskId, cmd.actor);
  return [
    {
      type: 'TaskCompleted',
      data: {
        taskId: task.taskId,
        caseId: task.caseId,
        commandCenterId: task.commandCenterId,
        outcome: cmd.outcome,
        ...(cmd.notes === undefined ? {} : { notes: cmd.notes }),
        completedBy: cmd.actor.id,
        completedAt: cmd.now.toISOString(),
      },
    },
  ];
}

/**
 * A task still unacknowledged at its deadline goes to the center one level up, with a fresh
 * deadline of the same length; at the top of the chain it stays where it is.
 */
function escalate(state: TaskState | null, cmd: Extract<TaskCommand, { kind: 'Escalate' }>): DomainEvent[] {
  if (!state || state.status !== 'assigned' || cmd.now.getTime() < Date.parse(state.deadlineAt)) return [];
  const parent = cmd.parentOf(state.commandCenterId);
  if (!parent) return [];
  return [
    {
      type: 'TaskEscalated',
      data: {
        taskId: state.taskId,
        caseId: state.caseId,
        fromCommandCenterId: state.commandCenterId,
        toCommandCenterId: parent,
        reason: 'not-acknowledged',
        missedDeadlineAt: state.deadlineAt,
        deadlineAt: deadlineFor(state.kind, cmd.now, cmd.deadlines).toISOString(),
        escalatedAt: cmd.now.toISOString(),
      },
    },
  ];
}
