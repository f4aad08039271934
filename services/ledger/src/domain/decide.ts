import { Forbidden, NotFound, RuleViolation, ValidationError, type DomainEvent, type Role } from '@rapid-search/events';
import { JOINT_MEETING_OFFICE, type CaseCommand, type CommandActor } from './commands.js';
import { needAuthorityOverCase } from './authority.js';
import { decideErasure } from './erasure.js';
import { gateClears } from './registration-rule.js';
import type { CaseState } from './state.js';

/** 县级以上公安机关: a chief must head an organ at county level or above. */
const CHIEF_LEVELS = new Set(['county', 'city', 'province', 'national']);
const REGISTRATION_WAIT_MONTHS = 12;

/**
 * The case aggregate's rules. Given the state folded from the case's events and a command, returns
 * the events to append, or throws the rule the command breaks. An empty list means the command is
 * already reflected in the case (a repeated delivery) and nothing needs writing.
 */
export function decide(command: CaseCommand, state: CaseState): DomainEvent[] {
  const { caseId, at } = command;
  if (command.kind === 'OpenCaseFile') {
    needRole(command.actor, ['system']);
    if (state.opened) return [];
    return [{ type: 'CaseFileOpened', data: { caseId, alertId: command.alertId, regionCode: command.regionCode, openedAt: command.openedAt } }];
  }
  if (!state.opened) throw new NotFound('case', caseId);

  switch (command.kind) {
    case 'FormGroup': {
      needAuthorityOverCase(command.actor, state);
      if (state.group) throw new RuleViolation('GROUP_ALREADY_FORMED', `case ${caseId} already has a case group`);
      checkChief(command.chief.unitLevel);
      const missing = (['investigation', 'rescue', 'familySupport'] as const).filter((p) => !command.packages[p]?.trim());
      if (missing.length > 0) {
        throw new ValidationError(missing.map((p) => ({ path: `packages.${p}`, message: 'each of the three packages needs an owner' })));
      }
      return [{ type: 'CaseGroupFormed', data: { caseId, chief: command.chief, packages: command.packages, formedAt: at } }];
    }
    case 'ReplaceChief': {
      needAuthorityOverCase(command.actor, state);
      const group = activeGroup(state);
      checkChief(command.chief.unitLevel);
      if (group.chief.officerId === command.chief.officerId) {
        throw new RuleViolation('SAME_CHIEF', `${command.chief.officerId} already chiefs case ${caseId}`);
      }
      return [
        {
          type: 'CaseGroupChiefReplaced',
          data: { caseId, previousChief: group.chief, chief: command.chief, reason: command.reason, replacedAt: at },
        },
      ];
    }
    case 'ReassignPackage': {
      needAuthorityOverCase(command.actor, state);
      const group = activeGroup(state);
      const previousOwner = group.packages[command.package];
      if (previousOwner === command.owner) return [];
      return [{ type: 'PackageOwnerReassigned', data: { caseId, package: command.package, previousOwner, owner: command.owner, reassignedAt: at } }];
    }
    case 'NoteProgress':
      needAuthorityOverCase(command.actor, state);
      activeGroup(state);
      return [{ type: 'PackageProgressNoted', data: { caseId, package: command.package, note: command.note, notedAt: at } }];
    case 'SolveCase':
      needAuthorityOverCase(command.actor, state);
      if (state.solvedAt) throw new RuleViolation('CASE_ALREADY_SOLVED', `case ${caseId} was solved at ${state.solvedAt}`);
      return [{ type: 'CaseSolved', data: { caseId, summary: command.summary, solvedAt: at } }];
    case 'RecordWithdrawal':
      // Only the alert service's withdrawal reaches the case file: an upstream system's word.
      needRole(command.actor, ['system']);
      if (state.withdrawnAt) return [];
      return [{ type: 'ReportWithdrawn', data: { caseId, alertId: command.alertId, withdrawnAt: at } }];
    case 'DissolveGroup':
      needAuthorityOverCase(command.actor, state);
      activeGroup(state);
      if (!state.solvedAt && !state.withdrawnAt) {
        throw new RuleViolation('CASE_NOT_SOLVED', `case ${caseId} is not solved: 案件不破，专案组不得撤销 (the group may not be dissolved)`);
      }
      return [{ type: 'CaseGroupDissolved', data: { caseId, reason: command.reason, dissolvedAt: at } }];
    case 'RescueChild': {
      needAuthorityOverCase(command.actor, state);
      if (state.rescue) throw new RuleViolation('CHILD_ALREADY_RESCUED', `the child of case ${caseId} was rescued at ${state.rescue.rescuedAt}`);
      const data = { caseId, foundAt: command.foundAt, rescuedAt: at };
      return [{ type: 'ChildRescued', data: command.household ? { ...data, household: command.household } : data }];
    }
    case 'IdentifyParents':
      // A DNA match reaches the case only through the dispatch service's confirmed result.
      if (command.method === 'dna') needRole(command.actor, ['system']);
      else needAuthorityOverCase(command.actor, state);
      if (state.parents) return [];
      return [{ type: 'ParentsIdentified', data: { caseId, method: command.method, evidenceRef: command.evidenceRef, identifiedAt: at } }];
    case 'ReturnToParents': {
      needAuthorityOverCase(command.actor, state);
      needRescued(state);
      if (state.returnedAt) throw new RuleViolation('CHILD_ALREADY_RETURNED', `the child of case ${caseId} was returned at ${state.returnedAt}`);
      if (!state.parents) {
        throw new RuleViolation(
          'PARENTS_NOT_IDENTIFIED',
          `the parents in case ${caseId} are not identified (no DNA match or verified identification)`,
        );
      }
      const data = { caseId, returnedAt: at };
      return [{ type: 'ChildReturnedToParents', data: command.notes ? { ...data, notes: command.notes } : data }];
    }
    case 'InitiateHandover':
      needAuthorityOverCase(command.actor, state);
      return [{ type: 'HandoverToCivilAffairsInitiated', data: handover(command, state) }];
    case 'AcceptHandover': {
      needRole(command.actor, ['civil-affairs']);
      const h = state.handover;
      if (!h || (command.handoverId && command.handoverId !== h.handoverId)) {
        throw new RuleViolation('HANDOVER_NOT_INITIATED', `case ${caseId} has no handover ${command.handoverId ?? ''} to accept`.trim());
      }
      if (h.acceptedAt) throw new RuleViolation('HANDOVER_ALREADY_ACCEPTED', `handover ${h.handoverId} was accepted at ${h.acceptedAt}`);
      return [{ type: 'HandoverToCivilAffairsAccepted', data: { caseId, handoverId: h.handoverId, acceptedBy: command.actor.id, acceptedAt: at } }];
    }
    case 'OpenDedicatedFile':
      needAuthorityOverCase(command.actor, state);
      acceptedHandover(state);
      if (state.dedicatedFile) throw new RuleViolation('DEDICATED_FILE_ALREADY_OPEN', `case ${caseId} already has a dedicated file`);
      return [{ type: 'DedicatedFileOpened', data: { caseId, policeStationId: command.policeStationId, openedAt: at } }];
    case 'RecordFollowUp':
      needAuthorityOverCase(command.actor, state);
      if (!state.dedicatedFile) throw new RuleViolation('DEDICATED_FILE_NOT_OPEN', `case ${caseId} has no dedicated file (专门档案) yet`);
      return [{ type: 'FollowUpVisitRecorded', data: { caseId, visitedAt: at, notes: command.notes } }];
    case 'RecordRegistrationEligibility': {
      needAuthorityOverCase(command.actor, state);
      const handedOverAt = acceptedHandover(state);
      if (state.registrationEligibleAt)
        throw new RuleViolation('ALREADY_ELIGIBLE', `case ${caseId} recorded eligibility at ${state.registrationEligibleAt}`);
      if (state.parents)
        throw new RuleViolation('PARENTS_IDENTIFIED', `the parents in case ${caseId} are identified: the child goes home, not to registration`);
      const due = addMonths(handedOverAt, REGISTRATION_WAIT_MONTHS);
      if (Date.parse(at) < due.getTime()) {
        throw new RuleViolation(
          'REGISTRATION_TOO_EARLY',
          `the family search runs ${REGISTRATION_WAIT_MONTHS} months after the handover: not before ${due.toISOString()}`,
        );
      }
      // The same gate as any registration (落户核查): the child's sample compared, and no match.
      if (!gateClears(command.comparison)) {
        throw new RuleViolation('REGISTRATION_NOT_CLEARED', `child ${command.childRef} has no completed comparison with no match (严把儿童落户关)`);
      }
      return [{ type: 'ChildEligibleForRegistration', data: { caseId, handedOverAt, childRef: command.childRef, recordedAt: at } }];
    }
    case 'RecordLeadReward': {
      needAuthorityOverCase(command.actor, state);
      if (!state.rescue)
        throw new RuleViolation('CHILD_NOT_RESCUED', `the child of case ${caseId} is not rescued yet: a lead is rewarded once it helped`);
      if (state.leadRewards.includes(command.tipId)) return [];
      // The tip itself must be on record too: it names the tipster, and it arrives on another topic than its lead.
      const leadTaskId = command.leads.tips.has(command.tipId) ? command.leads.confirmed.get(command.tipId) : undefined;
      if (!leadTaskId) throw new RuleViolation('LEAD_NOT_CONFIRMED', `tip ${command.tipId} is not a confirmed lead of case ${caseId} on record`);
      const maskedPhone = command.leads.tips.get(command.tipId)?.maskedPhone;
      return [
        {
          type: 'LeadRewardEligibilityRecorded',
          data: {
            caseId,
            tipId: command.tipId,
            leadTaskId,
            ...(maskedPhone ? { contact: { maskedPhone } } : {}),
            recordedBy: command.actor.id,
            recordedAt: at,
          },
        },
      ];
    }
    case 'ListForSupervision':
      needJointMeetingOffice(command.actor);
      if (state.supervision)
        throw new RuleViolation('ALREADY_SUPERVISED', `case ${caseId} is listed for supervision since ${state.supervision.listedAt}`);
      return [{ type: 'CaseListedForSupervision', data: { caseId, listedBy: command.actor.id, reason: command.reason, listedAt: at } }];
    case 'LiftSupervision':
      needJointMeetingOffice(command.actor);
      if (!state.supervision) throw new RuleViolation('NOT_SUPERVISED', `case ${caseId} is not listed for supervision`);
      return [{ type: 'CaseSupervisionLifted', data: { caseId, liftedBy: command.actor.id, liftedAt: at } }];
    case 'ErasePersonalData':
      return decideErasure(command, state);
  }
}

/**
 * A handover is allowed whether or not the parents are identified: with parents unknown it is the
 * placement of 第十六条; with parents known it is temporary care (救助保护) until they collect the
 * child, after which ChildReturnedToParents follows the handover.
 *
 * 不得由收买家庭继续抚养: a handover always places the child in a civil-affairs institution — the one
 * receiving the child. Naming the household the child was found in is the rule the law spells out
 * (PLACEMENT_WITH_BUYING_FAMILY); any other household is refused too, because placing a child in a
 * family is civil affairs' later decision, not part of the police handover.
 */
function handover(command: Extract<CaseCommand, { kind: 'InitiateHandover' }>, state: CaseState) {
  const { caseId } = command;
  needRescued(state);
  if (state.returnedAt) throw new RuleViolation('CHILD_ALREADY_RETURNED', `the child of case ${caseId} is back with the parents`);
  if (state.handover) throw new RuleViolation('HANDOVER_ALREADY_INITIATED', `case ${caseId} has handover ${state.handover.handoverId}`);
  const recorded = state.rescue?.householdId ?? null;
  if (recorded && command.foundInHouseholdId && command.foundInHouseholdId !== recorded) {
    throw new RuleViolation('FOUND_IN_HOUSEHOLD_MISMATCH', `the rescue recorded household ${recorded}, not ${command.foundInHouseholdId}`);
  }
  const foundInHouseholdId = command.foundInHouseholdId ?? recorded;
  if (!foundInHouseholdId) {
    throw new ValidationError([{ path: 'foundInHouseholdId', message: 'name the household the child was found in (the rescue recorded none)' }]);
  }
  const { placement, institution } = command;
  if (placement.kind === 'household' && (placement.id === foundInHouseholdId || placement.id === recorded)) {
    throw new RuleViolation(
      'PLACEMENT_WITH_BUYING_FAMILY',
      `the child may not be left with household ${placement.id}, where the child was found (不得由收买家庭继续抚养)`,
    );
  }
  if (placement.kind === 'household') {
    throw new RuleViolation(
      'PLACEMENT_NOT_INSTITUTION',
      'a handover places the child in the receiving civil-affairs institution, not in a household',
    );
  }
  if (placement.id !== institution.id) {
    throw new RuleViolation('PLACEMENT_MISMATCH', `the placement ${placement.id} is not the receiving institution ${institution.id}`);
  }
  return {
    caseId,
    handoverId: command.handoverId,
    institution,
    foundInHouseholdId,
    placement,
    childLocation: command.childLocation,
    materials: command.materials,
    initiatedAt: command.at,
  };
}

function checkChief(unitLevel: string): void {
  if (!CHIEF_LEVELS.has(unitLevel)) {
    throw new RuleViolation('CHIEF_RANK_TOO_LOW', `a case group chief must head a public-security organ at county level or above, not ${unitLevel}`);
  }
}

function activeGroup(state: CaseState): NonNullable<CaseState['group']> {
  if (!state.group) throw new RuleViolation('GROUP_NOT_FORMED', `case ${state.caseId} has no case group`);
  if (state.group.dissolvedAt)
    throw new RuleViolation('GROUP_DISSOLVED', `the group of case ${state.caseId} was dissolved at ${state.group.dissolvedAt}`);
  return state.group;
}

function needRescued(state: CaseState): void {
  if (!state.rescue) throw new RuleViolation('CHILD_NOT_RESCUED', `the child of case ${state.caseId} is not rescued yet`);
}

function acceptedHandover(state: CaseState): string {
  if (!state.handover?.acceptedAt) {
    throw new RuleViolation('HANDOVER_NOT_ACCEPTED', `civil affairs has not accepted a handover in case ${state.caseId}`);
  }
  return state.handover.acceptedAt;
}

function needRole(actor: CommandActor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) throw new Forbidden(`role ${actor.role} may not do this; needs one of ${roles.join(', ')}`);
}

/** 挂牌督办 is the joint-meeting office's act: an officer whose token carries its grant. */
function needJointMeetingOffice(actor: CommandActor): void {
  if (actor.role !== 'officer' || !actor.grants.includes(JOINT_MEETING_OFFICE)) {
    throw new Forbidden(`only the joint-meeting office (an officer with grant ${JOINT_MEETING_OFFICE}) lists cases for supervision`);
  }
}

/** Calendar months in UTC; a day that does not exist in the target month clamps to its last day. */
export function addMonths(iso: string, months: number): Date {
  const d = new Date(iso);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  target.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return target;
}
