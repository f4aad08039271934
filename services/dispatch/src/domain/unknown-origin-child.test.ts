import t from 'tap';
import type { Actor, DomainEvent } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { DEFAULT_ACK_DEADLINES, deadlineFor } from './deadlines.js';
import { GUANDU_POINT, NOW } from './fixtures.test-helper.js';
import { childRecordDecider, childTaskId, type RecordChild } from './unknown-origin-child.js';

const childRef = 'child-1';
const taskId = childTaskId(childRef);
const at = NOW.toISOString();
const REGIONS: Record<string, string> = { 'cc-kunming-guandu': '530111' };
const record = (actor: Actor, unitRegion?: string): RecordChild => ({
  kind: 'RecordChild',
  childRef,
  commandCenterId: 'cc-kunming-guandu',
  foundAt: at,
  place: GUANDU_POINT,
  apparentAgeYears: 4,
  sex: 'female',
  circumstances: 'begging',
  deadlines: DEFAULT_ACK_DEADLINES,
  now: NOW,
  actor,
  regionOf: (id) => REGIONS[id],
  ...(unitRegion ? { unitRegion } : {}),
});
const officer: Actor = { id: 'officer-1', role: 'officer' };
const assigned: DomainEvent = {
  type: 'DnaSamplingTaskAssigned',
  data: {
    taskId,
    caseId: childRef,
    commandCenterId: 'cc-kunming-guandu',
    deadlineAt: deadlineFor('dna-sampling', NOW, DEFAULT_ACK_DEADLINES).toISOString(),
    assignedAt: at,
    subject: 'child-of-unknown-origin',
    childRef,
  },
};
const children = spec(childRecordDecider);

t.test('given a Kunming officer, when a child begging in Guandu is recorded, then the record and its sampling task open together', async (t) => {
  children(t)
    .given([])
    .when(record(officer, '530100'))
    .then([
      assigned,
      {
        type: 'UnknownOriginChildRecorded',
        data: {
          childRef,
          caseId: childRef,
          taskId,
          commandCenterId: 'cc-kunming-guandu',
          foundAt: at,
          place: GUANDU_POINT,
          apparentAgeYears: 4,
          sex: 'female',
          circumstances: 'begging',
          recordedBy: 'officer-1',
          recordedAt: at,
        },
      },
    ]);
});

t.test('given police of another place or no police, when a Guandu child is recorded, then it is refused', async (t) => {
  children(t).given([]).when(record(officer, '500000')).thenThrows({ code: 'NO_AUTHORITY_OVER_CASE', status: 403 });
  children(t)
    .given([])
    .when(record({ id: 'c', role: 'console', commandCenterId: 'cc-yuxi' }))
    .thenThrows({ code: 'TASK_NOT_YOURS', status: 403 });
  children(t)
    .given([])
    .when(record({ id: 'l', role: 'lab' }))
    .thenThrows({ code: 'DNA_COLLECTION_POLICE_ONLY', status: 403 });
});

t.test('given a recorded child, when it is recorded again, then CHILD_ALREADY_RECORDED', async (t) => {
  children(t).given([assigned]).when(record(officer, '530100')).thenThrows('CHILD_ALREADY_RECORDED');
});
