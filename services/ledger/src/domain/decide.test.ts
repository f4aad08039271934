import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import {
  caseId,
  AT,
  civilAffairs,
  system,
  chief,
  packages,
  opened,
  formed,
  solved,
  household,
  rescued,
  identified,
  command,
  theCase,
  openFile,
  formGroup,
} from './case-fixtures.test-helper.js';

t.test('given no case file, when the alert service opens it, then it opens once; until then nothing else is accepted', async (t) => {
  theCase(t)
    .given([])
    .when(command(openFile, system))
    .thenMatches([{ type: 'CaseFileOpened' }]);
  theCase(t).given([opened]).when(command(openFile, system)).thenNothingHappened('a repeat writes nothing');
  theCase(t).given([]).when(command(formGroup)).thenThrows('NOT_FOUND');
});

t.test(
  '一长三包: given an opened case, when the group is formed, then it has a chief at county level or above and an owner per package',
  async (t) => {
    theCase(t)
      .given([opened])
      .when(command({ kind: 'FormGroup', chief: chief('county'), packages }))
      .then([{ type: 'CaseGroupFormed', data: { caseId, chief: chief('county'), packages, formedAt: AT } }]);
    theCase(t)
      .given([opened])
      .when(command({ kind: 'FormGroup', chief: chief('station'), packages }))
      .thenThrows('CHIEF_RANK_TOO_LOW');
    theCase(t)
      .given([opened])
      .when(command({ ...formGroup, packages: { ...packages, rescue: ' ' } }))
      .thenThrows('VALIDATION_FAILED');
    theCase(t).given([opened, formed]).when(command(formGroup)).thenThrows('GROUP_ALREADY_FORMED');
    theCase(t).given([opened]).when(command(formGroup, civilAffairs)).thenThrows('FORBIDDEN');
  },
);

t.test('given a formed group, when the chief is replaced, then the group has the new chief and never none', async (t) => {
  const replaced = theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReplaceChief', chief: chief('province', 'officer-new'), reason: 'transfer' }));
  replaced.thenMatches([
    { type: 'CaseGroupChiefReplaced', data: { previousChief: { officerId: 'officer-chief' }, chief: { officerId: 'officer-new' } } },
  ]);
  replaced.thenState({ group: { chief: { officerId: 'officer-new' } } }, 'the group still has exactly one chief');
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReplaceChief', chief: chief('station', 'officer-low'), reason: 'x' }))
    .thenThrows('CHIEF_RANK_TOO_LOW');
  theCase(t)
    .given([opened])
    .when(command({ kind: 'ReplaceChief', chief: chief('city', 'x'), reason: 'x' }))
    .thenThrows('GROUP_NOT_FORMED');
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReplaceChief', chief: chief('city'), reason: 'x' }))
    .thenThrows('SAME_CHIEF');
});

t.test('given a formed group, when a package is reassigned or progress noted, then the owner changes and the note is kept', async (t) => {
  const reassigned = theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReassignPackage', package: 'rescue', owner: 'officer-other' }));
  reassigned.thenMatches([{ type: 'PackageOwnerReassigned', data: { package: 'rescue', previousOwner: 'officer-res', owner: 'officer-other' } }]);
  reassigned.thenState({ group: { packages: { rescue: 'officer-other' } } });
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReassignPackage', package: 'rescue', owner: 'officer-res' }))
    .thenNothingHappened('the same owner is a no-op');
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'NoteProgress', package: 'investigation', note: 'suspect located' }))
    .thenMatches([{ type: 'PackageProgressNoted' }]);
  theCase(t)
    .given([opened])
    .when(command({ kind: 'NoteProgress', package: 'investigation', note: 'x' }))
    .thenThrows('GROUP_NOT_FORMED');
});

t.test('案件不破，专案组不得撤销: given an unsolved case, when the group is dissolved, then it is refused', async (t) => {
  const dissolve = { kind: 'DissolveGroup', reason: 'done' } as const;
  theCase(t).given([opened, formed]).when(command(dissolve)).thenThrows('CASE_NOT_SOLVED');
  theCase(t)
    .given([opened, formed, solved])
    .when(command(dissolve))
    .thenMatches([{ type: 'CaseGroupDissolved' }]);
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'SolveCase', summary: 'x' }, civilAffairs))
    .thenThrows('FORBIDDEN');
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'SolveCase', summary: 'x' }))
    .thenMatches([{ type: 'CaseSolved' }]);
  theCase(t)
    .given([opened, formed, solved])
    .when(command({ kind: 'SolveCase', summary: 'x' }))
    .thenThrows('CASE_ALREADY_SOLVED');
  const dissolved: DomainEvent = { type: 'CaseGroupDissolved', data: { caseId, reason: 'done', dissolvedAt: AT } };
  theCase(t)
    .given([opened, formed, solved, dissolved])
    .when(command({ kind: 'DissolveGroup', reason: 'again' }))
    .thenThrows('GROUP_DISSOLVED');
});

t.test('given a rescued child, when returned to the parents, then only once they are identified', async (t) => {
  const rescue = { kind: 'RescueChild', foundAt: { lat: 25, lon: 103, regionCode: '530322' } } as const;
  theCase(t)
    .given([opened])
    .when(command({ ...rescue, household }))
    .thenMatches([{ type: 'ChildRescued', data: { household: { id: 'household-zhou' } } }]);
  theCase(t).given([opened, rescued]).when(command(rescue)).thenThrows('CHILD_ALREADY_RESCUED');
  theCase(t)
    .given([opened, rescued])
    .when(command({ kind: 'ReturnToParents' }))
    .thenThrows('PARENTS_NOT_IDENTIFIED');
  theCase(t)
    .given([opened, identified])
    .when(command({ kind: 'ReturnToParents' }))
    .thenThrows('CHILD_NOT_RESCUED');
  theCase(t)
    .given([opened, rescued, identified])
    .when(command({ kind: 'ReturnToParents', notes: 'reunited' }))
    .thenMatches([{ type: 'ChildReturnedToParents', data: { notes: 'reunited' } }]);
});

t.test('given an opened case, when the parents are identified, then by DNA (dispatch) or by a verified identification (officer)', async (t) => {
  const byDna = { kind: 'IdentifyParents', method: 'dna', evidenceRef: 'm' } as const;
  theCase(t)
    .given([opened])
    .when(command(byDna, system))
    .thenMatches([{ type: 'ParentsIdentified', data: { method: 'dna' } }]);
  theCase(t)
    .given([opened])
    .when(command({ kind: 'IdentifyParents', method: 'verified-identification', evidenceRef: 'v' }))
    .thenMatches([{ type: 'ParentsIdentified' }]);
  theCase(t).given([opened]).when(command(byDna)).thenThrows('FORBIDDEN');
  theCase(t)
    .given([opened, identified])
    .when(command({ ...byDna, evidenceRef: 'm2' }, system))
    .thenNothingHappened('a second confirmation writes nothing');
});

t.test(
  '报警撤回: given an opened case, when the alert service records the report withdrawn, then the case file says so once and its group may stand down',
  async (t) => {
    const withdraw = { kind: 'RecordWithdrawal' as const, alertId: 'alert-1' };
    const withdrawn: DomainEvent = { type: 'ReportWithdrawn', data: { caseId, alertId: 'alert-1', withdrawnAt: AT } };
    theCase(t).given([opened, formed]).when(command(withdraw, system)).then([withdrawn]);
    theCase(t).given([opened, formed, withdrawn]).when(command(withdraw, system)).thenNothingHappened('a repeat writes nothing');
    theCase(t).given([opened]).when(command(withdraw)).thenThrows('FORBIDDEN');
    theCase(t)
      .given([opened, formed, withdrawn])
      .when(command({ kind: 'DissolveGroup', reason: 'false report' }))
      .thenMatches([{ type: 'CaseGroupDissolved' }]);
  },
);

t.test('有效线索奖励: given a rescued child, when a confirmed lead is rewarded, then it is recorded once with the tipster masked', async (t) => {
  const leads = {
    tips: new Map([
      ['tip-1', { maskedPhone: '139****5678' }],
      ['tip-2', {}],
    ]),
    taskTips: new Map([['lead-1', ['tip-1']]]),
    confirmed: new Map([['tip-1', 'lead-1']]),
  };
  const reward = (tipId: string) => command({ kind: 'RecordLeadReward', tipId, leads });
  const recorded: DomainEvent = {
    type: 'LeadRewardEligibilityRecorded',
    data: {
      caseId,
      tipId: 'tip-1',
      leadTaskId: 'lead-1',
      contact: { maskedPhone: '139****5678' },
      recordedBy: 'officer-a',
      recordedAt: AT,
    },
  };
  theCase(t).given([opened, formed]).when(reward('tip-1')).thenThrows('CHILD_NOT_RESCUED');
  theCase(t).given([opened, formed, rescued]).when(reward('tip-2')).thenThrows('LEAD_NOT_CONFIRMED');
  const tipNotYetRecorded = command({ kind: 'RecordLeadReward', tipId: 'tip-1', leads: { ...leads, tips: new Map() } });
  theCase(t).given([opened, formed, rescued]).when(tipNotYetRecorded).thenThrows('LEAD_NOT_CONFIRMED');
  theCase(t).given([opened, formed, rescued]).when(reward('tip-1')).then([recorded]);
  theCase(t).given([opened, formed, rescued, recorded]).when(reward('tip-1')).thenNothingHappened('a repeat writes nothing');
});
