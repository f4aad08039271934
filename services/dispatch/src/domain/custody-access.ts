import { regionContains, RuleViolation, type Actor } from '@rapid-search/events';
import type { TaskState } from './task.js';

/** Who asks about a DNA task's chain of custody, with what the token says of them. */
export interface CustodyActor {
  actor: Actor;
  /** An officer's unit's region (GB/T 2260), from the token. */
  unitRegion?: string | undefined;
  /** Where a command centre is, to tell whose jurisdiction a task's centre lies in. */
  regionOf: (centerId: string) => string | undefined;
}

/**
 * The samples of a DNA task are police business of the centre that holds the task: a console of
 * that centre, or an officer whose unit's jurisdiction holds that centre's region. A console of
 * another centre, or an officer from elsewhere, neither writes nor reads them.
 */
export function needCustodian(task: TaskState, who: CustodyActor): void {
  const { actor } = who;
  if (actor.role === 'console') {
    if (actor.commandCenterId === task.commandCenterId) return;
    throw new RuleViolation('TASK_NOT_YOURS', `DNA task ${task.taskId} is held by another command center`, { status: 403 });
  }
  if (actor.role === 'officer') {
    const region = who.regionOf(task.commandCenterId);
    if (who.unitRegion && region && regionContains(who.unitRegion, region)) return;
    throw new RuleViolation('NO_AUTHORITY_OVER_CASE', `DNA task ${task.taskId} is outside the jurisdiction of officer ${actor.id}`, { status: 403 });
  }
  throw new RuleViolation('DNA_COLLECTION_POLICE_ONLY', 'only police handle DNA samples before the lab', { status: 403 });
}

/** Reading the chain: its custodians, the lab that tests it, and auditors (who see references masked). */
export function needCustodyReader(task: TaskState, who: CustodyActor): void {
  if (who.actor.role === 'lab' || who.actor.role === 'auditor') return;
  needCustodian(task, who);
}
