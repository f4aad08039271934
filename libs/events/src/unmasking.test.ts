import t from 'tap';
import { ValidationError } from './errors.js';
import { decideUnmasking, type PersonalDataRead, type Sight } from './unmasking.js';

const at = '2026-12-02T20:00:00.000Z';
const reader = { sub: 'auditor-2', role: 'auditor' as const, grants: ['personal-data'] };
const read = (sight: Sight, reason?: string): PersonalDataRead => ({
  reader,
  sight,
  scope: { kind: 'case', caseId: 'case-1' },
  route: 'GET /v1/cases/:caseId',
  reason,
  at,
});

t.test('given a masked read, when decided, then no reason is needed and nothing is recorded', async (t) => {
  t.same(decideUnmasking(read('masked')), []);
});

t.test('given a read that shows personal data by role, when decided, then nothing is recorded', async (t) => {
  t.same(decideUnmasking(read('by-role')), []);
});

t.test('given a read under the grant without a reason, when decided, then it is refused naming query.reason', async (t) => {
  const error = t.throws(() => decideUnmasking(read('by-grant'))) as unknown;
  t.ok(error instanceof ValidationError);
  if (error instanceof ValidationError)
    t.same(
      error.issues.map((i) => i.path),
      ['query.reason'],
    );
});

t.test('given a read under the grant with a reason, when decided, then who, what, where, why and when are recorded', async (t) => {
  t.same(decideUnmasking(read('by-grant', 'complaint 2026-118: was the reporter called back')), [
    {
      type: 'PersonalDataUnmasked',
      data: {
        reader: { id: 'auditor-2', role: 'auditor', grants: ['personal-data'] },
        scope: { kind: 'case', caseId: 'case-1' },
        route: 'GET /v1/cases/:caseId',
        reason: 'complaint 2026-118: was the reporter called back',
        unmaskedAt: at,
      },
    },
  ]);
});

t.test('given an officer reading under a grant, when decided, then the officer id names the reader', async (t) => {
  const [event] = decideUnmasking({ ...read('by-grant', 'review'), reader: { sub: 's-1', officerId: 'officer-7', role: 'officer', grants: [] } });
  t.equal(event?.data.reader.id, 'officer-7');
});
