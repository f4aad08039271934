import type { DomainEvent } from '@rapid-search/events';
import type { CaseOfProfile } from './child-link.js';
import { GUANDU_POINT, NOW } from './fixtures.test-helper.js';
import { childTaskId } from './unknown-origin-child.js';

/** A child of unknown origin found placed in a household in Guandu, its sample through custody to its profile. */
export const childRef = 'child-1';
export const taskId = childTaskId(childRef);
export const caseId = childRef;
export const at = NOW.toISOString();
export const placement = { kind: 'household', id: 'household-7', address: 'a village house' } as const;
export const childTask: DomainEvent = {
  type: 'DnaSamplingTaskAssigned',
  data: { taskId, caseId, commandCenterId: 'cc-kunming-guandu', assignedAt: at, deadlineAt: at, subject: 'child-of-unknown-origin', childRef },
};
export const recorded: DomainEvent = {
  type: 'UnknownOriginChildRecorded',
  data: {
    childRef,
    caseId,
    taskId,
    commandCenterId: 'cc-kunming-guandu',
    foundAt: at,
    place: GUANDU_POINT,
    apparentAgeYears: 4,
    sex: 'female',
    circumstances: 'household',
    placement,
    recordedBy: 'officer-1',
    recordedAt: at,
  },
};
const base = { taskId, caseId, sampleId: 's1', labId: 'lab-kunming' };
export const profiled: DomainEvent[] = [
  { type: 'DnaSampleCollected', data: { taskId, caseId, sampleId: 's1', donor: 'child', collectedBy: 'officer-1', collectedAt: at } },
  { type: 'DnaSampleSealed', data: { taskId, caseId, sampleId: 's1', sealNumber: 'seal-1', sealedBy: 'officer-1', sealedAt: at } },
  { type: 'DnaSampleReceivedByLab', data: { ...base, receivedBy: 'lab-1', receivedAt: at } },
  { type: 'DnaProfileEntered', data: { ...base, profileRef: 'profile-child-1', enteredAt: at } },
];
export const noMatch: DomainEvent = { type: 'DnaNoMatchFound', data: { ...base, reportedAt: at } };
/** For a child's sample the match reference is the matched parents' profile. */
export const PARENTS_PROFILE = 'profile-parents-9';
export const match = (confirmation: 'initial' | 'confirming'): DomainEvent => ({
  type: 'DnaMatchFound',
  data: { ...base, matchRef: PARENTS_PROFILE, confirmation, foundAt: at },
});
/**
 * The open case in Chongqing's Yuzhong district whose parents' sample carries that profile. Its
 * records name the profile under its own key, not the child's: a text of its own here.
 */
export const openCase: CaseOfProfile = {
  caseId: 'case-9',
  parentsTaskId: 'task-dna-case-9',
  commandCenterId: 'cc-chongqing',
  regionCode: '500103',
  profileRef: 'profile-parents-9-as-case-9-holds-it',
};
export const linked: DomainEvent = {
  type: 'UnknownOriginChildMatchedToCase',
  data: {
    childRef,
    caseId: openCase.caseId,
    taskId,
    sampleId: 's1',
    matchRef: openCase.profileRef,
    parentsTaskId: openCase.parentsTaskId,
    caseCommandCenterId: openCase.commandCenterId,
    caseRegionCode: openCase.regionCode,
    place: GUANDU_POINT,
    placement,
    matchedAt: at,
  },
};
/** The child's custody with its match confirmed and linked to the open case. */
export const linkedCustody: DomainEvent[] = [childTask, recorded, ...profiled, match('initial'), match('confirming'), linked];
