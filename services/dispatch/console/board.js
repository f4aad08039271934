// The board's state: the centre's open tasks keyed by task id, and the last position applied.
// Keyed rows and a position guard make a replayed or resumed feed idempotent: an event at or
// before the last position changes nothing, so no task shows twice and none is lost.

const KIND_OF = {
  InterceptionTaskAssigned: () => 'interception',
  SearchTaskAssigned: (d) => d.kind,
  DnaSamplingTaskAssigned: () => 'dna-sampling',
  EscortTaskAssigned: () => 'escort',
  ReunionEscortTaskAssigned: () => 'escort',
  LeadVerificationTaskAssigned: () => 'lead-verification',
};

/** A lead task's tip and linked-tip count, which a snapshot row keeps among its details. */
const leadOf = (details) => ({
  ...(details?.tip ? { tip: details.tip } : {}),
  ...(typeof details?.linkedTips === 'number' ? { linkedTips: details.linkedTips } : {}),
});

export class Board {
  tasks = new Map();
  position = null;

  /** A snapshot replaces everything: it is the whole open view as of its position. */
  snapshot(position, tasks) {
    this.tasks = new Map(tasks.map((t) => [t.taskId, { ...t, ...leadOf(t.details), escalated: Boolean(t.escalated) }]));
    this.position = position;
  }

  /** One stored event from the feed; false when it was already applied. */
  apply(position, event) {
    if (this.position !== null && position <= this.position) return false;
    this.position = position;
    const d = event.data ?? {};
    const exercise = event.metadata?.exercise === true;
    // The feed shows a centre only its own entries of a step's interceptions, each a task.
    if (event.type === 'InterceptionTasksAssigned') {
      const { tasks, ...step } = d;
      for (const entry of tasks ?? []) this.#assign(position, exercise, 'interception', { type: event.type, ...step, ...entry });
      return true;
    }
    const kind = KIND_OF[event.type];
    if (kind) {
      this.#assign(position, exercise, kind(d), { type: event.type, ...d });
      return true;
    }
    const task = this.tasks.get(d.taskId);
    if (!task) return true;
    if (event.type === 'TaskAcknowledged') Object.assign(task, { status: 'acknowledged', deadlineAt: null });
    if (event.type === 'TaskCompleted') this.tasks.delete(d.taskId);
    if (event.type === 'TaskEscalated') {
      Object.assign(task, { commandCenterId: d.toCommandCenterId, escalated: true });
      if (task.status === 'assigned') task.deadlineAt = d.deadlineAt ?? null;
    }
    if (typeof d.linkedTips === 'number') task.linkedTips = d.linkedTips;
    task.position = position;
    return true;
  }

  #assign(position, exercise, kind, details) {
    this.tasks.set(details.taskId, {
      taskId: details.taskId,
      caseId: details.caseId,
      kind,
      commandCenterId: details.commandCenterId,
      status: 'assigned',
      deadlineAt: details.deadlineAt ?? null,
      assignedAt: details.assignedAt,
      details,
      position,
      exercise,
      escalated: false,
      ...(details.tip ? { tip: details.tip } : {}),
    });
  }

  /** Open tasks grouped by case, newest assignment first within and across groups. */
  groups() {
    const byCase = new Map();
    const newest = [...this.tasks.values()].sort((a, b) => b.assignedAt.localeCompare(a.assignedAt) || b.taskId.localeCompare(a.taskId));
    for (const task of newest) {
      if (!byCase.has(task.caseId)) byCase.set(task.caseId, []);
      byCase.get(task.caseId).push(task);
    }
    return [...byCase.entries()];
  }

  get anyDrill() {
    return [...this.tasks.values()].some((t) => t.exercise === true);
  }
}
