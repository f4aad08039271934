import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import { startHarness } from './harness.js';

const h = await startHarness('ledger_lead_rewards');
t.teardown(() => h.close());

const CASE = 'case-lead-reward-1';
const officer = await h.token({ role: 'officer', officerId: 'officer-kunming-chen-gang' });
const auditor = await h.token({ role: 'auditor' });
const call = async (method: 'GET' | 'POST', url: string, token: string, body?: unknown) => {
  const res = await h.service.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: res.json<Record<string, any>>() };
};
const now = () => new Date().toISOString();
const tip = (tipId: string, phone?: string) => ({
  tipId,
  alertId: `alert-${CASE}`,
  caseId: CASE,
  seenAt: now(),
  place: { lat: 25.02, lon: 102.72 },
  description: 'a girl in a red coat at the railway station',
  ...(phone ? { contact: { phone, mayCall: true } } : {}),
  via: { channel: 'public' },
  receivedAt: now(),
});
const lead = (taskId: string, tipId: string) => ({
  taskId,
  caseId: CASE,
  alertId: `alert-${CASE}`,
  tipId,
  tip: { description: 'a girl in a red coat at the railway station', lat: 25.02, lon: 102.72, seenAt: now() },
  commandCenterId: 'cc-kunming-guandu',
  assignedAt: now(),
  deadlineAt: now(),
});

t.test('given a case whose first lead was confirmed and second dismissed, when the child is rescued, then only the first is rewarded', async (t) => {
  await h.publish('alert', 'CaseOpened', CASE, {
    caseId: CASE,
    alertId: `alert-${CASE}`,
    regionCode: '530111',
    mechanism: 'homicide-case',
    openedAt: now(),
  });
  await eventually(async () => {
    if ((await call('GET', `/v1/cases/${CASE}`, officer)).status !== 200) throw new Error('case file not open yet');
  }, 20000);
  await h.publish('alert', 'TipReceived', CASE, tip('tip-seen', '13912345678'));
  await h.publish('alert', 'TipReceived', CASE, tip('tip-wrong'));
  await h.publish('dispatch', 'LeadVerificationTaskAssigned', CASE, lead('lead-seen', 'tip-seen'));
  await h.publish('dispatch', 'LeadVerificationTaskAssigned', CASE, lead('lead-wrong', 'tip-wrong'));
  const done = (taskId: string, outcome: string) => ({
    taskId,
    caseId: CASE,
    commandCenterId: 'cc-kunming-guandu',
    completedBy: 'console',
    outcome,
    completedAt: now(),
  });
  await h.publish('dispatch', 'TaskCompleted', CASE, done('lead-seen', 'sighting-confirmed'));
  await h.publish('dispatch', 'TaskCompleted', CASE, done('lead-wrong', 'dismissed'));

  const early = await call('POST', `/v1/cases/${CASE}/lead-rewards`, officer, { tipId: 'tip-seen' });
  t.match(early, { status: 409, body: { error: { code: 'CHILD_NOT_RESCUED' } } }, 'not before the rescue');
  const point = { lat: 25.07, lon: 103.74, regionCode: '530322' };
  t.equal((await call('POST', `/v1/cases/${CASE}/rescue`, officer, { foundAt: point })).status, 200);

  // The chain holds the tips and leads a moment after they are published.
  const rewarded = await eventually(async () => {
    const answer = await call('POST', `/v1/cases/${CASE}/lead-rewards`, officer, { tipId: 'tip-seen' });
    if (answer.status !== 200) throw new Error(`not yet: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }, 20000);
  t.same(rewarded.body.appended, ['LeadRewardEligibilityRecorded']);
  t.match(await call('POST', `/v1/cases/${CASE}/lead-rewards`, officer, { tipId: 'tip-wrong' }), {
    status: 409,
    body: { error: { code: 'LEAD_NOT_CONFIRMED' } },
  });
  t.equal((await call('POST', `/v1/cases/${CASE}/lead-rewards`, auditor, { tipId: 'tip-seen' })).status, 403, 'auditors only read');

  const listed = await call('GET', `/v1/lead-rewards?caseId=${CASE}`, auditor);
  t.equal(listed.status, 200);
  t.match(listed.body.rewards, [{ caseId: CASE, tipId: 'tip-seen', leadTaskId: 'lead-seen', contact: { maskedPhone: '139****5678' } }]);
  t.notMatch(JSON.stringify(listed.body), /13912345678/, 'the tipster’s phone only masked');
  t.same((await call('GET', `/v1/cases/${CASE}`, auditor)).body.leadRewards, ['tip-seen']);
});
