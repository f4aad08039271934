import { createTestDatabase, eventually, publishedEnvelope, requireKafka, testTopicPrefix } from '@rapid-search/events/testing';
import t from 'tap';
import { call, collectTopic, freshReport, postReport, publish, startService, token } from './harness.js';

await requireKafka();
const db = await createTestDatabase('alert_sightings');
const prefix = testTopicPrefix();
const running = await startService({ databaseUrl: db.url, topicPrefix: prefix });
const alertTopic = await collectTopic(`${prefix}alert.events.v1`);
t.teardown(async () => {
  await alertTopic.stop();
  await running.service.close();
  await db.drop();
});

const opened = await postReport(running.base, freshReport(), 'sightings-1');
const { alertId, caseId } = opened.body as { alertId: string; caseId: string };
const seenAt = new Date(Date.now() - 5 * 60_000).toISOString();
const posted = await call(running.base, 'POST', `/v1/public/alerts/${alertId}/tips`, {
  body: { seenAt, lat: 25.5, lon: 103.79, regionCode: '530302', address: 'Qujing station', description: 'the girl boarding a bus with a man' },
});
const tipId = posted.body.tipId as string;

t.test('given a tip, when dispatch completes its lead as a confirmed sighting, then the alert moves there once and CAP updates', async (t) => {
  t.equal(posted.status, 201);
  const completed = publishedEnvelope(
    {
      type: 'TaskCompleted',
      data: {
        taskId: 'lead-1',
        caseId,
        commandCenterId: 'cc-qujing',
        outcome: 'sighting-confirmed',
        tipId,
        completedBy: 'console-qujing',
        completedAt: new Date().toISOString(),
      },
    },
    caseId,
    {
      streamId: 'task-lead-1',
      streamVersion: 2,
      metadata: { actor: { id: 'console-qujing', role: 'console' }, correlationId: caseId, causationId: null },
    },
  );
  await publish(`${prefix}dispatch.events.v1`, [
    { key: caseId, value: completed },
    { key: caseId, value: completed },
  ]);
  const sightings = () => alertTopic.messages().filter((m) => m.value.type === 'SightingConfirmed' && m.value.data.alertId === alertId);
  const [moved] = await eventually(async () => (sightings().length > 0 ? sightings() : Promise.reject(new Error('no sighting yet'))), 30000);
  t.match(moved!.value.data, { tipId, lastSeen: { at: seenAt, lat: 25.5, lon: 103.79, regionCode: '530302', address: 'Qujing station' } });
  t.notMatch(JSON.stringify(moved), /phone|contact/, 'nothing of the tipster travels on');
  const update = await eventually(async () => {
    const r = await fetch(`${running.base}/v1/public/cap/RS-${alertId}-2`);
    if (r.status !== 200) throw new Error('no Update yet');
    return r.text();
  }, 30000);
  t.match(update, /<msgType>Update<\/msgType>/);
  t.match(update, /<circle>25\.5,103\.79 100<\/circle>/, 'the circle is around the sighting');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(sightings().length, 1, 'moved once although the completion came twice');
  const officer = await token({ sub: 'officer-kunming-li', role: 'officer', officerId: 'officer-kunming-li' });
  const read = await call(running.base, 'GET', `/v1/alerts/${alertId}`, { bearer: officer });
  t.match(read.body.lastSeen, { at: seenAt, lat: 25.5, lon: 103.79, address: 'Qujing station' }, 'the alert reads where the child was last seen now');
});
