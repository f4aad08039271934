import { ValidationError } from '@rapid-search/events';
import t from 'tap';
import { decideUnmasking, type PersonalDataRead } from './unmasking.js';

const at = '2026-12-02T20:00:00.000Z';
const read = (reader: PersonalDataRead['reader'], reason?: string): PersonalDataRead => ({
  reader,
  scope: { kind: 'case', caseId: 'case-1' },
  route: 'GET /v1/cases/:caseId',
  reason,
  at,
});
const auditor = { sub: 'auditor-1', role: 'auditor' as const, grants: [] };
const granted = { sub: 'auditor-2', role: 'auditor' as const, grants: ['personal-data'] };

t.test('given an auditor without the grant, when they read a case, then it is masked: no reason needed, nothing recorded', async (t) => {
  t.same(decideUnmasking(read(auditor)), []);
});

t.test('given an officer, when they read a case, then they see it by role: nothing recorded', async (t) => {
  t.same(decideUnmasking(read({ sub: 'o-1', officerId: 'officer-7', role: 'officer', grants: ['personal-data'] })), []);
});

t.test('given an auditor with the grant, when they read without a reason, then the read is refused naming query.reason', async (t) => {
  const error = t.throws(() => decideUnmasking(read(granted))) as unknown;
  t.ok(error instanceof ValidationError);
  if (error instanceof ValidationError) t.same(error.issues.map((i) => i.path), ['query.reason']);
});

t.test('given an auditor with the grant, when they read with a reason, then who, what, where, why and when are recorded', async (t) => {
  t.same(decideUnmasking(read(granted, 'complaint 2026-118: checking the reporter was called back')), [
    {
      type: 'PersonalDataUnmasked',
      data: {
        reader: { id: 'auditor-2', role: 'auditor', grants: ['personal-data'] },
        scope: { kind: 'case', caseId: 'case-1' },
        route: 'GET /v1/cases/:caseId',
        reason: 'complaint 2026-118: checking the reporter was called back',
        unmaskedAt: at,
      },
    },
  ]);
});

t.test('given civil affairs with the grant, when they read with a reason, then the read is recorded as under the grant', async (t) => {
  const [event] = decideUnmasking(read({ sub: 'ca-1', role: 'civil-affairs', grants: ['personal-data'] }, 'placement review'));
  t.equal(event?.data.reader.role, 'civil-affairs');
});
