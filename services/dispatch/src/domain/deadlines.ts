export const TASK_KINDS = ['interception', 'area-search', 'video-review', 'dna-sampling', 'escort', 'lead-verification'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** How long a command center has to acknowledge a task of each kind before it goes one level up. */
export type AckDeadlines = Record<TaskKind, number>;

const MINUTE = 60_000;

/** 堵截 must start at once: five minutes; the other tasks are less urgent to acknowledge. */
export const DEFAULT_ACK_DEADLINES: AckDeadlines = {
  interception: 5 * MINUTE,
  'area-search': 10 * MINUTE,
  'video-review': 10 * MINUTE,
  'dna-sampling': 30 * MINUTE,
  escort: 15 * MINUTE,
  'lead-verification': 30 * MINUTE,
};

export function deadlineFor(kind: TaskKind, from: Date, deadlines: AckDeadlines): Date {
  return new Date(from.getTime() + deadlines[kind]);
}
