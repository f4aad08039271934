import type { Actor, OfficerRef } from '@rapid-search/events';
import type { CaseLeads } from './lead-reward-rule.js';
import type { ChildComparison } from './registration-rule.js';
import type { PackageName, Packages } from './state.js';

/** Who issues a command: the actor written on the events, plus the token's grants. */
export interface CommandActor extends Actor {
  grants: readonly string[];
  /** An officer's unit and its region, from the token: the cases it has jurisdiction over. */
  unit?: { id: string; regionCode: string };
}

type Base<K extends string, P> = { kind: K; caseId: string; actor: CommandActor; at: string } & P;

export type CaseCommand =
  | Base<'OpenCaseFile', { alertId: string; regionCode: string; openedAt: string }>
  | Base<'FormGroup', { chief: OfficerRef; packages: Packages }>
  | Base<'ReplaceChief', { chief: OfficerRef; reason: string }>
  | Base<'ReassignPackage', { package: PackageName; owner: string }>
  | Base<'NoteProgress', { package: PackageName; note: string }>
  | Base<'SolveCase', { summary: string }>
  | Base<'RecordWithdrawal', { alertId: string }>
  | Base<'DissolveGroup', { reason: string }>
  | Base<
      'RescueChild',
      {
        foundAt: { lat: number; lon: number; regionCode: string; address?: string };
        household?: { id: string; headOfHousehold: string; address: string };
      }
    >
  | Base<'IdentifyParents', { method: 'dna' | 'verified-identification'; evidenceRef: string }>
  | Base<'ReturnToParents', { notes?: string }>
  | Base<
      'InitiateHandover',
      {
        handoverId: string;
        institution: { id: string; name: string; kind: 'rescue-protection' | 'children-welfare' };
        foundInHouseholdId?: string;
        placement: { kind: 'institution' | 'household'; id: string };
        childLocation: { lat: number; lon: number; regionCode: string };
        materials: string[];
      }
    >
  | Base<'AcceptHandover', { handoverId?: string }>
  | Base<'OpenDedicatedFile', { policeStationId: string }>
  | Base<'RecordFollowUp', { notes: string }>
  | Base<
      'RecordRegistrationEligibility',
      {
        /** The child's record at the registration gate (来历不明儿童), and its comparisons as the ledger holds them. */
        childRef: string;
        comparison: ChildComparison;
      }
    >
  | Base<'RecordLeadReward', { tipId: string; leads: CaseLeads }>
  | Base<'ListForSupervision', { reason: string }>
  | Base<'LiftSupervision', Record<never, never>>
  | Base<'ErasePersonalData', { why: 'request' | 'retention' }>;

/** The grant that makes an officer's token speak for the joint-meeting office (联席会议办公室). */
export const JOINT_MEETING_OFFICE = 'joint-meeting-office';

/** The grant that lets an officer erase a case's personal data (个人信息删除). */
export const DATA_PROTECTION = 'data-protection';
