import { newId, type DomainEvent } from '@rapid-search/events';
import t from 'tap';
import { taskIds } from '../domain/assignment.js';
import { interceptionTasks, postAs, startHarness, TestConsole } from './harness.js';

const h = await startHarness('dispatch_leads');
t.teardown(() => h.close());

const GUANDU_CC = 'cc-kunming-guandu';
const CHENGGONG_CC = 'cc-kunming-chenggong';
const caseId = `case-${newId()}`;
const tip = (tipId: string, place: { lat: number; lon: number; regionCode?: string }): DomainEvent => ({
  type: 'TipReceived',
  data: {
    tipId,
    alertId: `alert-${caseId}`,
    caseId,
    seenAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    place: { ...place, address: 'Guandu square' },
    description: 'a girl in a red coat with two adults',
    contact: { phone: '+8613800000000', mayCall: true },
    via: { channel: 'public' },
    receivedAt: new Date().toISOString(),
  },
});
const SQUARE = { lat: 25.02, lon: 102.75, regionCode: '530111' };
const NEAR = { lat: 25.025, lon: 102.75 };
const firstTip = `tip-${newId()}`;
const leadId = taskIds.leadVerification(caseId, firstTip);

const guandu = await TestConsole.open(h.wsUrl, await h.token('console', GUANDU_CC));
const chenggong = await TestConsole.open(h.wsUrl, await h.token('console', CHENGGONG_CC));
t.teardown(() => {
  guandu.close();
  chenggong.close();
});
const framesOf = (c: TestConsole, type: string) => c.events().filter((e) => e.event.caseId === caseId && e.event.type === type);

t.test('given a tip in Guandu, when it reaches dispatch, then Guandu’s console shows a lead task without the contact', async (t) => {
  const sent = Date.now();
  await h.publish('alert', tip(firstTip, SQUARE), caseId);
  const [frame] = await guandu.waitFor(
    () => framesOf(guandu, 'LeadVerificationTaskAssigned').length > 0 && framesOf(guandu, 'LeadVerificationTaskAssigned'),
  );
  t.ok(Date.now() - sent < 2000, 'within 2 s of the tip');
  t.match(frame!.event.data, {
    taskId: leadId,
    tipId: firstTip,
    commandCenterId: GUANDU_CC,
    tip: { description: 'a girl in a red coat with two adults', address: 'Guandu square' },
  });
  t.notMatch(JSON.stringify(frame), /13800000000|contact|mayCall/, 'nothing of the tipster reaches the console');
  t.same(framesOf(chenggong, 'LeadVerificationTaskAssigned'), [], 'another centre sees nothing of it');
});

t.test('given an open lead, when a second tip comes 500 m away, then it links to the lead and the console shows the count', async (t) => {
  await h.publish('alert', tip(`tip-${newId()}`, NEAR), caseId);
  const [linked] = await guandu.waitFor(() => framesOf(guandu, 'TipLinkedToLead').length > 0 && framesOf(guandu, 'TipLinkedToLead'));
  t.match(linked!.event.data, { taskId: leadId, linkedTips: 1 });
  const again = await TestConsole.open(h.wsUrl, await h.token('console', GUANDU_CC));
  const snapshot = await again.waitFor(
    () => again.messages.find((m) => m.type === 'snapshot') as { tasks: { caseId: string; details: Record<string, unknown> }[] } | undefined,
  );
  again.close();
  const leads = snapshot.tasks.filter((x) => x.caseId === caseId);
  t.equal(leads.length, 1, 'one lead task for both tips');
  t.match(leads[0]!.details, { linkedTips: 1, tip: { address: 'Guandu square' } });
});

t.test('given the lead, when it is completed with an outcome not a lead’s, then 400 naming outcome', async (t) => {
  const res = await postAs(h, `/v1/tasks/${leadId}/complete`, await h.token('console', GUANDU_CC), { outcome: 'nothing seen' });
  t.equal(res.status, 400);
  t.match(JSON.stringify(res.body), /outcome/);
});

t.test('given the lead, when it is completed as a confirmed sighting, then TaskCompleted with the tip is published', async (t) => {
  const res = await postAs(h, `/v1/tasks/${leadId}/complete`, await h.token('console', GUANDU_CC), { outcome: 'sighting-confirmed' });
  t.equal(res.status, 200);
  const published = await guandu.waitFor(() => h.published.find((e) => e.type === 'TaskCompleted' && e.data.taskId === leadId));
  t.match(published.data, { outcome: 'sighting-confirmed', tipId: firstTip, caseId });
});

t.test('given the confirmed sighting, when the alert moves to Qujing, then interception at the hubs there, each once', async (t) => {
  const qujing = { lat: 25.49, lon: 103.8, regionCode: '530302' };
  const sighting: DomainEvent = {
    type: 'SightingConfirmed',
    data: {
      caseId,
      alertId: `alert-${caseId}`,
      tipId: firstTip,
      taskId: leadId,
      lastSeen: { ...qujing, at: new Date().toISOString() },
      previousLastSeen: { ...SQUARE, at: new Date(Date.now() - 60 * 60_000).toISOString() },
      radiusKm: 30,
      confirmedAt: new Date().toISOString(),
    },
  };
  await h.publish('alert', sighting, caseId, { deliveries: 2 });
  const hubs = h.service.directory.hubsWithin(qujing, 30).map((x) => taskIds.interception(caseId, x.hub.id));
  t.ok(hubs.length > 0, 'the seeds have hubs in reach of Qujing');
  await guandu.waitFor(() => interceptionTasks(h.published, caseId).length >= hubs.length);
  await new Promise((r) => setTimeout(r, 500));
  t.same(
    interceptionTasks(h.published, caseId)
      .map((task) => task.taskId)
      .sort(),
    [...hubs].sort(),
    'one task per hub in reach, although the sighting came twice',
  );
});
