import {
  handleCommand,
  loadState,
  NotFound,
  type Actor,
  type Clock,
  type PersonalData,
  type PgEventStore,
  type Principal,
  type StoredEvent,
} from '@rapid-search/events';
import type { CaseOfProfile } from '../domain/child-link.js';
import { dnaDecider, dnaStream, type DnaCommand, type LabResult } from '../domain/dna.js';
import { needCustodyReader } from '../domain/custody-access.js';
import { evolveTask, taskStream } from '../domain/task.js';
import { actorOf, caseOf, commandMetadata } from './metadata.js';

type Donor = 'mother' | 'father' | 'guardian' | 'child';

/** Who acts on a DNA task: the actor, and an officer's unit's region from the token. */
export interface DnaCaller {
  actor: Actor;
  unitRegion?: string | undefined;
}

/** The caller a token makes: its actor, and for an officer the region of its unit. */
export const dnaCallerOf = (principal: Principal): DnaCaller => ({ actor: actorOf(principal), unitRegion: principal.unit?.regionCode });

/**
 * The chain of custody of a DNA task's samples lives in one stream per task: `dna-<taskId>`.
 * `regionOf` places a command centre, so the deciders can tell whose jurisdiction a task is in;
 * `caseOfMatch` finds the case whose parents' profile a match names (in clear, as the lab gives
 * it), for a child's match to link.
 */
export function dnaCommands(
  store: PgEventStore,
  personal: PersonalData,
  clock: Clock,
  regionOf: (centerId: string) => string | undefined,
  caseOfMatch: (matchRef: string) => Promise<CaseOfProfile | undefined>,
) {
  const taskOf = async (taskId: string) => {
    const { state: task } = await loadState(store, { initialState: () => null, evolve: evolveTask }, taskStream(taskId));
    if (!task) throw new NotFound('task', taskId);
    return task;
  };
  /**
   * The lab's reference sealed as the task's events hold theirs: under the task's case, which for
   * a child of unknown origin is the child's own reference. Sealing is deterministic within one
   * key, so the decider tells a confirming result from a new one by comparing sealed texts.
   */
  const sealed = async (taskId: string, result: LabResult): Promise<LabResult> => {
    if (result.result === 'no-match') return result;
    const { caseId } = await taskOf(taskId);
    if (result.result === 'match') return { ...result, matchRef: await personal.sealValue(caseId, result.matchRef) };
    return { ...result, profileRef: await personal.sealValue(caseId, result.profileRef) };
  };
  const run = async (command: DnaCommand) => {
    const { positions, events } = await handleCommand(store, dnaDecider, command, {
      streamId: dnaStream(command.taskId),
      reads: [taskStream(command.taskId)],
      metadata: commandMetadata(command.actor),
      caseId: caseOf,
    });
    return { taskId: command.taskId, positions, types: events.map((e) => e.type) };
  };
  const base = (taskId: string, sampleId: string, caller: DnaCaller) => ({ taskId, sampleId, ...caller, regionOf, now: clock.now() });
  return {
    collect: (taskId: string, sampleId: string, donor: Donor, caller: DnaCaller) =>
      run({ kind: 'Collect', ...base(taskId, sampleId, caller), donor }),
    seal: (taskId: string, sampleId: string, sealNumber: string, caller: DnaCaller) =>
      run({ kind: 'Seal', ...base(taskId, sampleId, caller), sealNumber }),
    receive: (taskId: string, sampleId: string, labId: string, caller: DnaCaller) =>
      run({ kind: 'Receive', ...base(taskId, sampleId, caller), labId }),
    result: async (taskId: string, sampleId: string, labId: string, result: LabResult, caller: DnaCaller) =>
      run({
        kind: 'LabResult',
        ...base(taskId, sampleId, caller),
        labId,
        ...(await sealed(taskId, result)),
        ...(result.result === 'match' ? { caseOfMatch: await caseOfMatch(result.matchRef) } : {}),
      }),
    /** The steps of a task's chain, for those who may read it; others are refused before anything is read. */
    custody: async (taskId: string, caller: DnaCaller): Promise<StoredEvent[]> => {
      needCustodyReader(await taskOf(taskId), { ...caller, regionOf });
      return store.readStream(dnaStream(taskId));
    },
  };
}
export type DnaCommands = ReturnType<typeof dnaCommands>;

/** References into the DNA database are shown only to police and the lab; others see that one exists. */
export const SEES_DNA_REFS = ['officer', 'console', 'lab'] as const;

export function maskDnaRefs(data: Record<string, unknown>, role: string): Record<string, unknown> {
  if ((SEES_DNA_REFS as readonly string[]).includes(role)) return data;
  const masked = { ...data };
  for (const key of ['profileRef', 'matchRef']) if (key in masked) masked[key] = '[masked]';
  return masked;
}
