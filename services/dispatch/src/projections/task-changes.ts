import type { DomainEvent, DomainEventOf, StoredEvent } from '@rapid-search/events';
import type { Directory } from '../domain/directory.js';
import { isAssignment, kindOf } from '../domain/task.js';

/** A task as the `tasks` read model holds it. */
export interface TaskRow {
  task_id: string;
  case_id: string;
  kind: string;
  command_center_id: string;
  status: string;
  deadline_at: string | null;
  assigned_at: string;
  details: unknown;
  position: number;
  /** 演练: the task was assigned in a drill. */
  exercise: boolean;
}

/** An event and the centers whose consoles must see it, handed to the live fan-out after commit. */
export interface Delivery {
  stored: StoredEvent;
  centers: string[];
}

export interface Decoded {
  stored: StoredEvent;
  event: DomainEvent;
}

/** What the read models hold of the tasks a batch touches, before it: rows and the centers that see each. */
export interface TasksBefore {
  rows: ReadonlyMap<string, TaskRow>;
  centers: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What a batch changes in the read models, and what the live consoles are sent once it commits. */
export interface TaskChanges {
  /** Each task created or changed, once, at its state after the batch. */
  rows: TaskRow[];
  /** The tasks among `rows` the batch assigned: inserted, where the others are updated. */
  created: Set<string>;
  /** [center, task]: a center that sees a task from now on. */
  visibility: [string, string][];
  /** [center, position]: an event in a center's console feed. */
  feed: [string, number][];
  deliveries: Delivery[];
}

const taskIdOf = (event: DomainEvent): string => (event.data as { taskId: string }).taskId;

const assigns = (event: DomainEvent): boolean => isAssignment(event) || event.type === 'InterceptionTasksAssigned';

/** The tasks a batch changes but does not assign: the ones whose rows must be read first. */
export function tasksToLoad(batch: readonly Decoded[]): string[] {
  return [...new Set(batch.filter((d) => !assigns(d.event)).map((d) => taskIdOf(d.event)))];
}

/**
 * The rows of the tasks a step's interceptions assign, each seen by its hub's center. A row's
 * details are those of its own entry, beside what the step says of them all.
 */
function interceptionRows(stored: StoredEvent, event: DomainEventOf<'InterceptionTasksAssigned'>, deadline: Deadline): TaskRow[] {
  const { tasks, ...step } = event.data;
  return tasks.map((entry) => ({
    task_id: entry.taskId,
    case_id: step.caseId,
    kind: 'interception',
    command_center_id: entry.commandCenterId,
    status: 'assigned',
    deadline_at: deadline(entry.commandCenterId, step.deadlineAt),
    assigned_at: step.assignedAt,
    details: { type: event.type, ...step, ...entry },
    position: stored.position,
    exercise: stored.metadata.exercise === true,
  }));
}

type Deadline = (centerId: string, at: string) => string | null;

/**
 * A batch of task events as the read models take it. A task is seen by every center it has been
 * assigned to: after an escalation the center above acts on it and the original center keeps
 * watching it, so each later event goes to the feeds of them all. Deadlines stop at the top of the
 * chain, where there is nowhere further to escalate to. An event of a task never assigned (its
 * assignment not projected) changes nothing.
 */
export function taskChanges(batch: readonly Decoded[], before: TasksBefore, directory: Pick<Directory, 'parentOf'>): TaskChanges {
  const deadline: Deadline = (centerId, at) => (directory.parentOf(centerId) ? at : null);
  const rows = new Map(before.rows);
  const centers = new Map([...before.centers].map(([taskId, seen]) => [taskId, new Set(seen)]));
  const changed = new Map<string, TaskRow>();
  const created = new Set<string>();
  const visibility: [string, string][] = [];
  const feed: [string, number][] = [];
  const deliveries: Delivery[] = [];
  for (const { stored, event } of batch) {
    if (event.type === 'InterceptionTasksAssigned') {
      const seenBy = new Set<string>();
      for (const row of interceptionRows(stored, event, deadline)) {
        rows.set(row.task_id, row);
        changed.set(row.task_id, row);
        created.add(row.task_id);
        centers.set(row.task_id, new Set([row.command_center_id]));
        visibility.push([row.command_center_id, row.task_id]);
        seenBy.add(row.command_center_id);
      }
      for (const center of seenBy) feed.push([center, stored.position]);
      deliveries.push({ stored, centers: [...seenBy] });
      continue;
    }
    const taskId = taskIdOf(event);
    let row = rows.get(taskId);
    if (isAssignment(event)) {
      const d = event.data;
      row = {
        task_id: taskId,
        case_id: d.caseId,
        kind: kindOf(event),
        command_center_id: d.commandCenterId,
        status: 'assigned',
        deadline_at: deadline(d.commandCenterId, d.deadlineAt),
        assigned_at: d.assignedAt,
        details: { type: event.type, ...d },
        position: stored.position,
        exercise: stored.metadata.exercise === true,
      };
      created.add(taskId);
      centers.set(taskId, new Set());
    }
    if (!row) continue;
    const seenBy = centers.get(taskId) ?? centers.set(taskId, new Set()).get(taskId)!;
    if (event.type === 'TaskAcknowledged') row = { ...row, status: 'acknowledged', deadline_at: null };
    if (event.type === 'TaskCompleted') row = { ...row, status: 'completed', deadline_at: null };
    if (event.type === 'TipLinkedToLead') row = { ...row, details: { ...(row.details as object), linkedTips: event.data.linkedTips } };
    if (event.type === 'TaskEscalated') {
      const to = event.data.toCommandCenterId;
      row = { ...row, command_center_id: to, deadline_at: row.status === 'assigned' ? deadline(to, event.data.deadlineAt) : null };
    }
    row = { ...row, position: stored.position };
    rows.set(taskId, row);
    changed.set(taskId, row);
    if (!seenBy.has(row.command_center_id)) {
      seenBy.add(row.command_center_id);
      visibility.push([row.command_center_id, taskId]);
    }
    for (const center of seenBy) feed.push([center, stored.position]);
    deliveries.push({ stored, centers: [...seenBy] });
  }
  return { rows: [...changed.values()], created, visibility, feed, deliveries };
}
