import t from 'tap';
import { spec } from '@rapid-search/events/testing';
import { planReunionEscort } from './assignment.js';
import { childTask, linked, linkedCustody, match, openCase, PARENTS_PROFILE, profiled, recorded, taskId } from './child-fixtures.test-helper.js';
import { dnaDecider, type DnaCommand } from './dna.js';
import type { CaseOfProfile } from './child-link.js';
import { ctx, NOW } from './fixtures.test-helper.js';

const reportMatch = (caseOfMatch: CaseOfProfile | undefined): DnaCommand => ({
  kind: 'LabResult',
  taskId,
  sampleId: 's1',
  labId: 'lab-kunming',
  actor: { id: 'lab-1', role: 'lab' },
  regionOf: () => '530111',
  now: NOW,
  result: 'match',
  matchRef: PARENTS_PROFILE,
  caseOfMatch,
});
const lab = spec(dnaDecider);
const child = [childTask, recorded, ...profiled];

t.test(
  "given a child's initial match, when the re-test confirms it against an open case's parents, then the child is linked to the case",
  async (t) => {
    lab(t)
      .given([...child, match('initial')])
      .when(reportMatch(openCase))
      .then([match('confirming'), linked], 'the link names the profile as the case’s records hold it');
  },
);

t.test("given a child's profile, when a first, unconfirmed match names an open case's parents, then nothing is linked", async (t) => {
  lab(t)
    .given(child)
    .when(reportMatch(openCase))
    .then([match('initial')]);
});

t.test(
  "given a child's initial match, when the re-test confirms it but no open case holds that profile, then the match stands unlinked",
  async (t) => {
    lab(t)
      .given([...child, match('initial')])
      .when(reportMatch(undefined))
      .then([match('confirming')], 'no parents of the child record are identified either; the registration gate reads it as blocking');
  },
);

t.test('given a child already linked to a case, when another match is reported, then CHILD_ALREADY_LINKED', async (t) => {
  lab(t).given(linkedCustody).when(reportMatch(openCase)).thenThrows({ code: 'CHILD_ALREADY_LINKED' });
});

t.test(
  'given a child linked from a household placement, when its escort is planned, then it goes to the parents and names the buying family',
  async (t) => {
    if (linked.type !== 'UnknownOriginChildMatchedToCase') throw new Error('fixture');
    const task = planReunionEscort(linked.data, ctx);
    t.equal(task.kind, 'escort');
    t.match(task.event, {
      type: 'ReunionEscortTaskAssigned',
      data: {
        caseId: openCase.caseId,
        commandCenterId: openCase.commandCenterId,
        to: 'identified-parents',
        buyingHousehold: { id: 'household-7' },
        from: { regionCode: '530111' },
      },
    });
    t.equal(planReunionEscort(linked.data, ctx).taskId, task.taskId, 'the same link plans the same task: a redelivery opens nothing new');
    const { placement: _placement, ...fromInstitution } = linked.data;
    t.notOk('buyingHousehold' in planReunionEscort(fromInstitution, ctx).event.data, 'no household, none named');
  },
);
