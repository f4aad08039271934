import { NotFound, regionContains, RuleViolation, type Actor, type Decider, type DomainEventOf } from '@rapid-search/events';
import { dnaDecider, type DnaCustody, type DnaState } from './dna.js';

/** The grant that lets an officer's token ask at the household-registration gate (落户核查). */
export const HOUSEHOLD_REGISTRATION = 'household-registration';

export type GateAnswer = { status: 'cleared' | 'blocked'; sampleId: string } | { status: 'pending' };

/**
 * 严把儿童落户关: a confirmed match (the same match reported twice) blocks; otherwise a sample
 * whose latest result is an unconfirmed match holds the gate pending its re-test; otherwise a
 * sample compared with no match clears; with no comparison yet the answer is pending.
 */
export function registrationAnswer(dna: DnaState): GateAnswer {
  const seen = new Set<string>();
  for (const m of dna.matches) {
    if (seen.has(m.matchRef)) return { status: 'blocked', sampleId: m.sampleId };
    seen.add(m.matchRef);
  }
  const stages = [...dna.samples.entries()];
  if (stages.some(([, stage]) => stage === 'matched')) return { status: 'pending' };
  const compared = stages.find(([, stage]) => stage === 'no-match');
  return compared ? { status: 'cleared', sampleId: compared[0] } : { status: 'pending' };
}

export interface CheckRegistration {
  checkId: string;
  childRef: string;
  taskId: string;
  actor: Actor;
  grants: readonly string[];
  /** The officer's unit's region (GB/T 2260), from the token. */
  unitRegion?: string | undefined;
  now: Date;
}

export type RegistrationCheckAnswered = DomainEventOf<'RegistrationCheckAnswered'>;

/**
 * A check reads the child's sampling task and its chain of custody; each check is one event. The
 * asker's unit must have jurisdiction over the place the child was found; a blocking match's case
 * is named only to an asker whose jurisdiction also holds the case's region.
 */
export const registrationGateDecider: Decider<CheckRegistration, DnaCustody, RegistrationCheckAnswered> = {
  initialState: dnaDecider.initialState,
  evolve: dnaDecider.evolve,
  decide: (cmd, { task, dna }): [RegistrationCheckAnswered] => {
    if (cmd.actor.role !== 'officer' || !cmd.grants.includes(HOUSEHOLD_REGISTRATION)) {
      throw new RuleViolation('NO_REGISTRATION_GRANT', `registration checks need an officer with the ${HOUSEHOLD_REGISTRATION} grant`, {
        status: 403,
      });
    }
    if (task?.childRef !== cmd.childRef || !dna.child) throw new NotFound('child', cmd.childRef);
    if (!holds(cmd.unitRegion, dna.child.place.regionCode)) {
      throw new RuleViolation('NO_AUTHORITY_OVER_CASE', `child ${cmd.childRef} was found outside the jurisdiction of officer ${cmd.actor.id}`, {
        status: 403,
      });
    }
    const answer = registrationAnswer(dna);
    const linked = answer.status === 'blocked' ? dna.linkedCase : undefined;
    const caseRef = linked && holds(cmd.unitRegion, linked.regionCode) ? linked.caseId : undefined;
    return [
      {
        type: 'RegistrationCheckAnswered',
        data: {
          checkId: cmd.checkId,
          childRef: cmd.childRef,
          caseId: cmd.childRef,
          taskId: cmd.taskId,
          status: answer.status,
          ...('sampleId' in answer ? { sampleId: answer.sampleId } : {}),
          ...(caseRef ? { caseRef } : {}),
          checkedBy: cmd.actor.id,
          checkedAt: cmd.now.toISOString(),
        },
      },
    ];
  },
};

const holds = (unitRegion: string | undefined, region: string): boolean => unitRegion !== undefined && regionContains(unitRegion, region);
