import { newId } from '@rapid-search/events';
import t from 'tap';
import { taskIds } from '../domain/assignment.js';
import { postAs, quickSearch, startHarness, TestConsole } from './harness.js';

const h = await startHarness('dispatch_drills');
t.teardown(() => h.close());

const GUANDU_CC = 'cc-kunming-guandu';
const drill = `case-${newId()}`;
const real = `case-${newId()}`;
const tasksOf = async (caseId: string): Promise<{ taskId: string; exercise: boolean }[]> => {
  const res = await fetch(`${h.baseUrl}/v1/tasks?commandCenterId=${GUANDU_CC}&limit=500`, {
    headers: { authorization: `Bearer ${await h.token('officer')}` },
  });
  return ((await res.json()) as { tasks: { taskId: string; caseId: string; exercise: boolean }[] }).tasks.filter((x) => x.caseId === caseId);
};
const until = async <T>(read: () => Promise<T[]> | T[], count: number): Promise<T[]> => {
  for (const deadline = Date.now() + 15000; ; await new Promise((r) => setTimeout(r, 50))) {
    const got = await read();
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`expected ${count}, have ${got.length}`);
  }
};

t.test('given a drill and a real alert, when their quick searches reach dispatch, then only the drill’s tasks are marked a drill', async (t) => {
  const console = await TestConsole.open(h.wsUrl, await h.token('console', GUANDU_CC));
  await h.publish('alert', quickSearch(drill, 3), drill, { exercise: true });
  await h.publish('alert', quickSearch(real, 3), real);
  const drillTasks = await until(() => tasksOf(drill), 3);
  const realTasks = await until(() => tasksOf(real), 3);
  t.ok(
    drillTasks.every((x) => x.exercise),
    'every task read of the drill says so',
  );
  t.ok(
    realTasks.every((x) => !x.exercise),
    'no task of the real alert does',
  );
  const frames = await console.waitFor(() => {
    const seen = console.events().filter((e) => e.event.caseId === drill || e.event.caseId === real);
    return seen.length >= drillTasks.length + realTasks.length ? seen : undefined;
  });
  for (const frame of frames) {
    const marked = (frame.event as unknown as { metadata: { exercise?: boolean } }).metadata.exercise === true;
    t.equal(marked, frame.event.caseId === drill, `the frame of ${frame.event.type} at ${frame.position} is marked as its alert is`);
  }
  console.close();
  const again = await TestConsole.open(h.wsUrl, await h.token('console', GUANDU_CC));
  const snapshot = await again.waitFor(
    () => again.messages.find((m) => m.type === 'snapshot') as { tasks: { caseId: string; exercise: boolean }[] } | undefined,
  );
  t.ok(
    snapshot.tasks.filter((x) => x.caseId === drill).every((x) => x.exercise) && snapshot.tasks.some((x) => x.caseId === drill),
    'the snapshot marks the drill’s tasks',
  );
  again.close();
});

t.test('given a drill’s task, when a console acknowledges it, then the acknowledgement is a drill’s too', async (t) => {
  const searchId = taskIds.search(drill, 'area-search');
  const acked = await postAs(h, `/v1/tasks/${searchId}/ack`, await h.token('console', GUANDU_CC));
  t.equal(acked.status, 200);
  const [ack] = await until(() => h.published.filter((e) => e.type === 'TaskAcknowledged' && e.data.taskId === searchId), 1);
  t.equal(ack?.metadata.exercise, true);
});

t.test('given a drill’s interception, when its center acknowledges it, then the acknowledgement is a drill’s too', async (t) => {
  // Its assignment is the drill step's entry in the case's interception stream; its own stream is new.
  const stationId = taskIds.interception(drill, 'hub-kunming-south-bus-station');
  await until(async () => (await tasksOf(drill)).filter((x) => x.taskId === stationId), 1);
  const acked = await postAs(h, `/v1/tasks/${stationId}/ack`, await h.token('console', GUANDU_CC));
  t.equal(acked.status, 200);
  const [ack] = await until(() => h.published.filter((e) => e.type === 'TaskAcknowledged' && e.data.taskId === stationId), 1);
  t.match(ack, { streamId: `task-${stationId}`, streamVersion: 1, metadata: { exercise: true } });
});
