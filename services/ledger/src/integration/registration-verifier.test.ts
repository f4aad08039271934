import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import { startHarness } from './harness.js';

const h = await startHarness('ledger_registration');
t.teardown(() => h.close());
const auditor = await h.token({ role: 'auditor' });
const at = new Date().toISOString();

const sampled = (childRef: string) => ({ taskId: `dna-sampling-${childRef}`, caseId: childRef, sampleId: `s-${childRef}`, labId: 'lab-kunming' });
const answered = (childRef: string, status: string) => ({
  checkId: `check-${childRef}`,
  childRef,
  caseId: childRef,
  taskId: `dna-sampling-${childRef}`,
  status,
  checkedBy: 'officer-hukou',
  checkedAt: at,
});

t.test('given a cleared registration written without a comparison, when verified, then that entry is named', async (t) => {
  await h.publish('dispatch', 'DnaNoMatchFound', 'child-a', { ...sampled('child-a'), reportedAt: at });
  await h.publish('dispatch', 'RegistrationCheckAnswered', 'child-a', { ...answered('child-a', 'cleared'), sampleId: 's-child-a' });
  // What a superuser's row in dispatch.events becomes once relayed: a clearance with no comparison.
  const forged = await h.publish('dispatch', 'RegistrationCheckAnswered', 'child-b', { ...answered('child-b', 'cleared'), sampleId: 's-x' });
  const seq = await eventually(async () => {
    const { rows } = await h.pool.query<{ seq: string }>('SELECT seq FROM ledger.entries WHERE event_id = $1', [forged]);
    if (!rows[0]) throw new Error('the forged check is not chained yet');
    return Number(rows[0].seq);
  }, 30000);
  await eventually(async () => {
    const { rows } = await h.pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger.entries');
    if (Number(rows[0]!.n) < 3) throw new Error('not every entry is chained yet');
  }, 30000);
  const report = (await h.service.app.inject({ method: 'GET', url: '/v1/ledger/verify', headers: { authorization: `Bearer ${auditor}` } })).json();
  t.equal(report.ok, false);
  t.same(
    report.violations.map((v: { seq: number; eventId: string; rule: string }) => [v.seq, v.eventId, v.rule]),
    [[seq, forged, 'REGISTRATION_CLEARED_WITHOUT_COMPARISON']],
    'the lawful clearance passes; only the forged one is named',
  );
});
