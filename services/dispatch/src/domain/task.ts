import { NotFound, RuleViolation, ValidationError, type Actor, type Decider, type DomainEvent, type DomainEventOf } from '@rapid-search/events';
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
  /** The tip a lead-verification task verifies. */
  tipId?: string;
}

/** How a 线索核查 ends: the child was seen there, the tip led nowhere, or it repeats another lead. */
export const LEAD_OUTCOMES = ['sighting-confirmed', 'dismissed', 'duplicate'] as const;

export const taskStream = (taskId: string): string => `task-${taskId}`;

export type AssignmentEvent = DomainEventOf<
  | 'InterceptionTaskAssigned'
  | 'SearchTaskAssigned'
  | 'DnaSamplingTaskAssigned'
  | 'EscortTaskAssigned'
  | 'ReunionEscortTaskAssigned'
  | 'LeadVerificationTaskAssigned'
>;

export function isAssignment(event: DomainEvent): event is AssignmentEvent {
  return (
    event.type === 'InterceptionTaskAssigned' ||
    event.type === 'SearchTaskAssigned' ||
    event.type === 'DnaSamplingTaskAssigned' ||
    event.type === 'EscortTaskAssigned' ||
    event.type === 'ReunionEscortTaskAssigned' ||
    event.type === 'LeadVerificationTaskAssigned'
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
    case 'LeadVerificationTaskAssigned':
      return 'lead-verification';
  }
}

/**
 * Any task's state from its events: the assignment (its own stream's first event, or for an
 * interception its entry in its case's `InterceptionTasksAssigned`), then its own stream.
 */
export function evolveTaskOf(taskId: string): (state: TaskState | null, event: DomainEvent) => TaskState | null {
  return (state, event) => {
    if (event.type !== 'InterceptionTasksAssigned') return evolveTask(state, event);
    const entry = event.data.tasks.find((t) => t.taskId === taskId);
    if (!entry) return state;
    const { caseId, deadlineAt } = event.data;
    return { taskId, caseId, kind: 'interception', commandCenterId: entry.commandCenterId, status: 'assigned', deadlineAt };
  };
}

/** The state of a task its own stream opens with its assignment. */
export function evolveTask(state: TaskState | null, event: DomainEvent): TaskState | null {
  if (isAssignment(event)) {
    const { taskId, caseId, commandCenterId, deadlineAt } = event.data;
    const childRef = event.type === 'DnaSamplingTaskAssigned' ? event.data.childRef : undefined;
    const tipId = event.type === 'LeadVerificationTaskAssigned' ? event.data.tipId : undefined;
    return {
      taskId,
      caseId,
      kind: kindOf(event),
      commandCenterId,
      status: 'assigned',
      deadlineAt,
      ...(childRef ? { childRef } : {}),
      ...(tipId ? { tipId } : {}),
    };
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

/** A task in its own stream `task-<taskId>`, null until it is assigned. */
export const taskDecider = (taskId: string): Decider<TaskCommand, TaskState | null> => ({
  initialState: () => null,
  evolve: evolveTaskOf(taskId),
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
});

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
  if (task.kind === 'lead-verification' && !(LEAD_OUTCOMES as readonly string[]).includes(cmd.outcome)) {
    throw new ValidationError([{ path: 'outcome', message: `a lead-verification task ends ${LEAD_OUTCOMES.join(', ')}` }]);
  }
  return [
    {
      type: 'TaskCompleted',
      data: {
        taskId: task.taskId,
        caseId: task.caseId,
        commandCenterId: task.commandCenterId,
        outcome: cmd.outcome,
        ...(task.tipId ? { tipId: task.tipId } : {}),
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
