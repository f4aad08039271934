import { newId } from '@rapid-search/events';
import t from 'tap';
import { taskIds } from '../domain/assignment.js';
import { assignTask } from '../live/feed-fixtures.test-helper.js';
import { GUANDU, interceptionTasks, postAs, quickSearch, startHarness, TestConsole, type InterceptionEntry } from './harness.js';

const h = await startHarness('dispatch_consoles', { DISPATCH_CONSOLE_BUFFER_BYTES: String(32 * 1024) });
t.teardown(() => h.close());

const GUANDU_CC = 'cc-kunming-guandu';
const CHENGGONG_CC = 'cc-kunming-chenggong';
const guanduToken = await h.token('console', GUANDU_CC);
const chenggongToken = await h.token('console', CHENGGONG_CC);
const caseA = `case-${newId()}`;
const centersOf = (data: Record<string, unknown>): unknown[] =>
  data.tasks ? (data.tasks as InterceptionEntry[]).map((task) => task.commandCenterId) : [data.commandCenterId ?? data.toCommandCenterId];
const ownCenters = (c: TestConsole) => new Set(c.events().flatMap((e) => centersOf(e.event.data).map(String)));
const hubsOf = (c: TestConsole) =>
  c
    .events()
    .filter((e) => e.event.type === 'InterceptionTasksAssigned')
    .flatMap((e) => (e.event.data.tasks as InterceptionEntry[]).map((task) => task.hub.id))
    .sort();

t.test('a console without a valid console token is refused before the upgrade', async (t) => {
  await t.rejects(TestConsole.open(h.wsUrl, 'not-a-token'), /401/);
  await t.rejects(TestConsole.open(h.wsUrl, await h.token('officer')), /403/);
  await t.rejects(TestConsole.open(h.wsUrl, await h.token('console', 'cc-nowhere')), /403/);
});

const guandu = await TestConsole.open(h.wsUrl, guanduToken);
const chenggong = await TestConsole.open(h.wsUrl, chenggongToken, { header: false });

t.test('alert in → tasks out on the topic and on the consoles of the right centers only', async (t) => {
  const snapshot = await guandu.waitFor(() => guandu.messages.find((m) => m.type === 'snapshot'));
  t.match(snapshot, { type: 'snapshot', position: Number, tasks: [] }, 'a fresh center starts with an empty snapshot');
  await h.publish('alert', quickSearch(caseA, 30), caseA);
  const expectedHubs = h.service.directory.hubsWithin(GUANDU, 30);
  const hubsOfCenter = (center: string) =>
    expectedHubs
      .filter((x) => x.hub.commandCenterId === center)
      .map((x) => x.hub.id)
      .sort();
  const guanduTasks = await guandu.waitFor(() => (guandu.events().length >= 4 ? guandu.events() : undefined));
  t.same(
    guanduTasks.map((e) => e.event.type).sort(),
    ['DnaSamplingTaskAssigned', 'InterceptionTasksAssigned', 'SearchTaskAssigned', 'SearchTaskAssigned'],
    'Guandu gets the step of interceptions, the area search, the video review and the DNA sampling',
  );
  t.same(hubsOf(guandu), hubsOfCenter(GUANDU_CC), 'of the step, Guandu is shown its own hubs and no other center’s');
  t.ok(hubsOfCenter(CHENGGONG_CC).length > 0, 'the step tasks hubs of Chenggong too');
  await chenggong.waitFor(() => chenggong.events().length >= 1);
  t.same(hubsOf(chenggong), hubsOfCenter(CHENGGONG_CC), 'and Chenggong its own');
  t.same([...ownCenters(guandu)], [GUANDU_CC], 'Guandu sees only its own tasks');
  t.same([...ownCenters(chenggong)], [CHENGGONG_CC], 'Chenggong sees only its own tasks');
  const positions = guandu.events().map((e) => e.position);
  t.same(
    positions,
    [...positions].sort((a, b) => a - b),
    'events arrive in position order',
  );
  const onTopic = await eventually(() => h.published.filter((e) => e.caseId === caseA && e.type.endsWith('TaskAssigned')), 3);
  t.equal(onTopic.length, 3, 'the search, the review and the sampling are published on dispatch.events.v1');
  await eventually(() => interceptionTasks(h.published, caseA), expectedHubs.length);
  t.same(
    interceptionTasks(h.published, caseA)
      .map((task) => task.hub.id)
      .sort(),
    expectedHubs.map((x) => x.hub.id).sort(),
    'and every hub’s interception, in the step’s one event',
  );
});

t.test('acks and completions over the socket and HTTP answer with a position or a clear error', async (t) => {
  const searchId = taskIds.search(caseA, 'area-search');
  const videoId = taskIds.search(caseA, 'video-review');
  guandu.send({ type: 'ack', taskId: searchId });
  const acked = await guandu.waitFor(() => guandu.messages.find((m) => m.type === 'ack-result' && m.taskId === searchId));
  t.match(acked, { taskId: searchId, position: Number });
  await guandu.waitFor(() => guandu.events().find((e) => e.event.type === 'TaskAcknowledged' && e.position === acked.position));
  chenggong.send({ type: 'ack', taskId: videoId });
  t.match(await chenggong.waitFor(() => chenggong.messages.find((m) => m.type === 'error')), { code: 'TASK_NOT_YOURS', taskId: videoId });
  guandu.send({ type: 'ack', taskId: 'no-such-task' });
  t.match(await guandu.waitFor(() => guandu.messages.find((m) => m.type === 'error' && m.taskId === 'no-such-task')), { code: 'NOT_FOUND' });

  const post = (path: string, token: string, body?: unknown) => postAs(h, path, token, body);
  const done = await post(`/v1/tasks/${videoId}/complete`, guanduToken, { outcome: 'footage reviewed', notes: 'nothing found' });
  t.equal(done.status, 200);
  t.match(done.body, { taskId: videoId, position: Number });
  await guandu.waitFor(() => guandu.events().find((e) => e.position === done.body.position && e.event.type === 'TaskCompleted'));
  t.match(await post(`/v1/tasks/${videoId}/complete`, guanduToken, { outcome: 'again' }), {
    status: 409,
    body: { error: { code: 'TASK_ALREADY_COMPLETED' } },
  });
  t.match(await post(`/v1/tasks/${videoId}/ack`, chenggongToken), { status: 403, body: { error: { code: 'TASK_NOT_YOURS' } } });
  t.match(await post(`/v1/tasks/nope/ack`, guanduToken), { status: 404, body: { error: { code: 'NOT_FOUND' } } });
  t.match(await post(`/v1/tasks/${videoId}/complete`, guanduToken, {}), { status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });

  const list = await fetch(`${h.baseUrl}/v1/tasks?status=completed`, { headers: { authorization: `Bearer ${guanduToken}` } });
  t.match(await list.json(), { tasks: [{ taskId: videoId, status: 'completed', commandCenterId: GUANDU_CC }] });
  const foreign = await fetch(`${h.baseUrl}/v1/tasks?commandCenterId=${CHENGGONG_CC}`, { headers: { authorization: `Bearer ${guanduToken}` } });
  t.equal(foreign.status, 403, 'a console may not list another center');
  const centers = await fetch(`${h.baseUrl}/v1/command-centers`, { headers: { authorization: `Bearer ${await h.token('lab')}` } });
  t.match(await centers.json(), { commandCenters: [{ id: 'cc-mps-cid', parentId: null }] });
  const lab = await h.token('lab');
  const centersPage = async (query: string) =>
    (await (await fetch(`${h.baseUrl}/v1/command-centers?${query}`, { headers: { authorization: `Bearer ${lab}` } })).json()) as {
      commandCenters: { id: string }[];
      next: string | null;
    };
  const first = await centersPage('limit=2');
  const second = await centersPage(`limit=2&cursor=${first.next}`);
  t.same(
    [...first.commandCenters, ...second.commandCenters].map((c) => c.id),
    (await centersPage('limit=4')).commandCenters.map((c) => c.id),
    'pages follow on',
  );
});

t.test('a console that drops and resumes gets exactly the events it missed, in order, none twice', async (t) => {
  const dropping = await TestConsole.open(h.wsUrl, guanduToken);
  const snapshot = await dropping.waitFor(() => dropping.messages.find((m) => m.type === 'snapshot'));
  t.ok((snapshot.tasks as unknown[]).length > 0, 'the snapshot holds the open tasks');
  const lastSeen = snapshot.position as number;
  dropping.close();
  // Of each quick search, Guandu is sent its step of interceptions, the area search, the video review and the sampling.
  const perCase = 4;
  const caseB = `case-${newId()}`;
  await h.publish('alert', quickSearch(caseB, 30), caseB);
  const missed = await guandu.waitFor(() => {
    const after = guandu.events().filter((e) => e.position > lastSeen);
    return after.filter((e) => e.event.caseId === caseB).length >= perCase ? after : undefined;
  });
  const resumed = await TestConsole.open(h.wsUrl, guanduToken, { query: `fromPosition=${lastSeen}` });
  await resumed.waitFor(() => resumed.events().length >= missed.length);
  const caseC = `case-${newId()}`;
  await h.publish('alert', quickSearch(caseC, 30), caseC);
  await resumed.waitFor(() => resumed.events().some((e) => e.event.caseId === caseC));
  await guandu.waitFor(() => guandu.events().filter((e) => e.event.caseId === caseC).length >= perCase);
  await resumed.waitFor(() => resumed.events().filter((e) => e.event.caseId === caseC).length >= perCase);
  const expected = guandu
    .events()
    .filter((e) => e.position > lastSeen)
    .map((e) => e.position);
  const got = resumed.events().map((e) => e.position);
  t.same(got, expected, 'replay then live: the same positions as a console that never dropped');
  t.equal(new Set(got).size, got.length, 'none twice');
  const stepsShown = (c: TestConsole) =>
    c
      .events()
      .filter((e) => e.position > lastSeen && e.event.type === 'InterceptionTasksAssigned')
      .map((e) => e.event.data.tasks);
  t.same(stepsShown(resumed), stepsShown(guandu), 'a replayed step shows the center the same tasks, its own, as the live one did');
  t.notOk(
    resumed.messages.some((m) => m.type === 'snapshot'),
    'a resume sends no snapshot',
  );

  resumed.send({ type: 'resume', fromPosition: got[got.length - 3]! });
  await resumed.waitFor(() => resumed.events().length >= got.length + 2);
  await new Promise((r) => setTimeout(r, 200));
  t.same(
    resumed
      .events()
      .slice(got.length)
      .map((e) => e.position),
    got.slice(-2),
    'a resume message replays after its position',
  );
  resumed.close();
});

t.test('a slow console is cut off with 4008 while a fast one keeps up', async (t) => {
  const fast = await TestConsole.open(h.wsUrl, guanduToken);
  const slow = await TestConsole.open(h.wsUrl, guanduToken);
  await slow.waitFor(() => slow.messages.some((m) => m.type === 'snapshot'));
  await fast.waitFor(() => fast.messages.some((m) => m.type === 'snapshot'));
  const connected = h.service.hub.count();
  const raw = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  raw.pause();
  let sent = 0;
  while (h.service.hub.count() === connected && sent < 20000) {
    const batch = Array.from({ length: 250 }, () => assignTask(h.service.runtime.store, GUANDU_CC));
    const results = await Promise.all(batch);
    sent += batch.length;
    await h.service.projection.caughtUp(results[results.length - 1]!.position);
    await new Promise((r) => setTimeout(r, 20));
  }
  t.ok(h.service.hub.count() < connected, `the slow console was dropped after ${sent} events`);
  raw.resume();
  await slow.waitFor(() => slow.closed, 10000);
  t.equal(slow.closed?.code, 4008, 'close code tells it to resume');
  const last = h.service.projection.position();
  await fast.waitFor(() => fast.events().some((e) => e.position >= last));
  t.notOk(fast.closed, 'the fast console is still connected');
  const fastPositions = fast.events().map((e) => e.position);
  t.equal(new Set(fastPositions).size, fastPositions.length, 'the fast console got no duplicates');
  fast.close();
});

t.test('an unacknowledged task escalates to the center above, also after a restart', async (t) => {
  guandu.close();
  chenggong.close();
  const caseE = `case-${newId()}`;
  await h.publish('alert', quickSearch(caseE, 3), caseE);
  const stationTask = taskIds.interception(caseE, 'hub-kunming-south-bus-station');
  await eventually(() => interceptionTasks(h.published, caseE).filter((task) => task.taskId === stationTask), 1);
  await h.restart();
  const kunming = await TestConsole.open(h.wsUrl, await h.token('console', 'cc-kunming'));
  await kunming.waitFor(() => kunming.messages.some((m) => m.type === 'snapshot'));
  h.clock.offsetMs = 5 * 60_000 + 1000;
  const escalated = await kunming.waitFor(() =>
    kunming.events().find((e) => e.event.type === 'TaskEscalated' && e.event.data.taskId === stationTask),
  );
  t.match(escalated.event.data, { fromCommandCenterId: GUANDU_CC, toCommandCenterId: 'cc-kunming', reason: 'not-acknowledged' });
  const officer = await h.token('officer');
  const res = await fetch(`${h.baseUrl}/v1/tasks?commandCenterId=cc-kunming&status=assigned`, { headers: { authorization: `Bearer ${officer}` } });
  const { tasks } = (await res.json()) as { tasks: { taskId: string; commandCenterId: string }[] };
  t.match(
    tasks.find((x) => x.taskId === stationTask),
    { commandCenterId: 'cc-kunming' },
    'the task is now the center above’s',
  );
  kunming.send({ type: 'ack', taskId: stationTask });
  t.match(await kunming.waitFor(() => kunming.messages.find((m) => m.type === 'ack-result')), { taskId: stationTask });
  h.clock.offsetMs = 60 * 60_000;
  await new Promise((r) => setTimeout(r, 300));
  await eventually(() => h.published.filter((e) => e.type === 'TaskAcknowledged' && e.data.taskId === stationTask), 1);
  t.equal(
    h.published.filter((e) => e.type === 'TaskEscalated' && e.data.taskId === stationTask).length,
    1,
    'an acknowledged task escalates no further',
  );
  kunming.close();
});

async function eventually<T>(read: () => T[], count: number, timeoutMs = 15000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (read().length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count}, have ${read().length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return read();
}
