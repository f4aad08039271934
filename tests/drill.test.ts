/**
 * A drill (演练) run through the whole system, started as `npm start` starts it: its participants see
 * it marked as a drill everywhere, the public never sees it, and the statistics keep it apart.
 */
import t from 'tap';
import WebSocket from 'ws';
import { requireKafka, TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import { call, interceptionsShown, tokensFor } from '@rapid-search/scripts/client';
import { loadDemoCase } from '@rapid-search/scripts/demo-case';
import { startedSystem } from './started-system.js';
import { until } from './until.js';

await requireKafka();
const { ports, urls, system, exited } = await startedSystem('drill', 3161);

const demo = loadDemoCase();
const CONSOLE_CENTER = 'cc-kunming';
const tokens = await tokensFor(TEST_SIGNING_KEY, {
  consoleCenter: CONSOLE_CENTER,
  officer: demo.group.chiefOfficerId,
  upstreamSystem: demo.alert.upstreamSystemId,
});
const demoChild = (demo.alertBody as unknown as { child: Record<string, unknown> }).child;
const drillBody = { ...demo.alertBody, exercise: true, child: { ...demoChild, name: 'Drill Child (演练儿童)' } };

interface ConsoleMessage {
  type: string;
  event?: { type: string; data: Record<string, unknown>; metadata: { exercise?: boolean } };
}

function openConsole(): Promise<{ socket: WebSocket; messages: ConsoleMessage[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${ports.dispatch}/v1/consoles`, { headers: { authorization: `Bearer ${tokens.console}` } });
  const messages: ConsoleMessage[] = [];
  socket.on('message', (raw) => messages.push(JSON.parse(raw.toString()) as ConsoleMessage));
  return new Promise((resolve, reject) => socket.once('open', () => resolve({ socket, messages })).once('error', reject));
}

const report = async (body: unknown, key: string) =>
  (await call<{ alertId: string; caseId: string }>(urls.alert, 'POST', '/v1/alerts', tokens.upstream, body, { 'idempotency-key': key })).body;

const interceptions = (messages: ConsoleMessage[], caseId: string) =>
  until(
    () => messages.filter((m) => m.event?.type === 'InterceptionTasksAssigned' && m.event.data.caseId === caseId),
    (list) => interceptionsShown(list).length >= 2,
  );

/** A public read: no credentials at all, as a distributor or a passer-by asks. */
async function anonymous(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${urls.alert}${path}`);
  return { status: response.status, text: await response.text() };
}

const withUpstream = async (path: string): Promise<{ status: number; text: string }> => {
  const response = await call<string>(urls.alert, 'GET', path, tokens.upstream);
  return { status: response.status, text: String(response.body) };
};

interface Figures {
  reports: number;
  cases: number;
}
interface Stats {
  real: Figures;
  drills: Figures;
}
const PERIOD = `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`;
const stats = async () => {
  const answer = await call<Stats>(urls.ledger, 'GET', `/v1/stats?${PERIOD}`, tokens.auditor);
  if (answer.status !== 200) throw new Error(`GET /v1/stats answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
};
const counts = (f: Figures) => ({ reports: f.reports, cases: f.cases });

// Every top-level await comes before the first subtest: tap ends the root test once it has no
// pending subtest, so awaiting between them would tear the system down mid-run.
const live = await openConsole();
const before = await stats();

let drill = { alertId: '', caseId: '' };

t.test('given a drill report, when it runs, then the Kunming console sees its tasks as a drill and its alert reads as one', async (t) => {
  await until(
    () => live.messages,
    (m) => m.some((x) => x.type === 'snapshot'),
  );
  drill = await report(drillBody, `${demo.alert.idempotencyKey}-drill-${Date.now()}`);
  t.ok(drill.alertId && drill.caseId, 'the drill is taken');

  const tasks = await interceptions(live.messages, drill.caseId);
  t.same(
    tasks.map((m) => m.event!.metadata.exercise),
    tasks.map(() => true),
    `each step of its ${interceptionsShown(tasks).length} interception tasks comes to the console marked a drill`,
  );
  t.ok(
    interceptionsShown(tasks).every((task) => task.commandCenterId === CONSOLE_CENTER),
    "only this center's tasks",
  );
  const listed = await call<{ tasks: { caseId: string; exercise: boolean }[] }>(urls.dispatch, 'GET', '/v1/tasks', tokens.officer);
  const ofDrill = listed.body.tasks.filter((x) => x.caseId === drill.caseId);
  t.ok(ofDrill.length > 0 && ofDrill.every((x) => x.exercise), 'the task list marks them a drill too');

  const alert = await call<{ exercise?: boolean }>(urls.alert, 'GET', `/v1/alerts/${drill.alertId}`, tokens.officer);
  t.equal(alert.status, 200, 'an officer reads the alert');
  t.equal(alert.body.exercise, true, 'the alert reads exercise: true');
});

t.test("given the drill's public release, when the public and its participants read the CAP feed, then only participants see it", async (t) => {
  const drillFeed = await until(
    () => withUpstream('/v1/public/cap.atom?status=Exercise'),
    (r) => r.status === 200 && r.text.includes(`RS-${drill.alertId}-`),
  );
  t.pass("the upstream system's credentials list the drill in ?status=Exercise");
  const href = new RegExp(`/v1/public/cap/(RS-${drill.alertId}-\\d+)`).exec(drillFeed.text)![1]!;

  const publicFeed = await anonymous('/v1/public/cap.atom');
  t.equal(publicFeed.status, 200, 'the public feed is open to anyone');
  t.notMatch(publicFeed.text, drill.alertId, 'and does not list the drill');
  t.notMatch(publicFeed.text, /Exercise/, 'nor any drill at all');
  t.equal((await anonymous('/v1/public/cap.atom?status=Exercise')).status, 401, "the drills' feed is 401 without credentials");

  t.equal((await anonymous(`/v1/public/cap/${href}`)).status, 404, "the drill's CAP document does not exist for the public");
  const document = await withUpstream(`/v1/public/cap/${href}`);
  t.equal(document.status, 200, "its participants read the drill's CAP document");
  t.match(document.text, '<status>Exercise</status>', 'which says it is an exercise');
});

t.test('given the drill and then a real report, when the ledger counts them, then the drill is among drills only', async (t) => {
  const file = await until(
    () => call<{ exercise?: boolean }>(urls.ledger, 'GET', `/v1/cases/${drill.caseId}`, tokens.officer),
    (r) => r.status === 200,
  );
  t.equal(file.body.exercise, true, "the ledger opens the drill's case file, marked a drill");

  const withDrill = await until(stats, (s) => s.drills.cases > before.drills.cases);
  t.same(counts(withDrill.drills), { reports: before.drills.reports + 1, cases: before.drills.cases + 1 }, 'the drill counts among drills');
  t.same(counts(withDrill.real), counts(before.real), 'and not among real reports or cases');

  const real = await report(demo.alertBody, `${demo.alert.idempotencyKey}-real-${Date.now()}`);
  const realTasks = await interceptions(live.messages, real.caseId);
  t.notOk(
    realTasks.some((m) => m.event!.metadata.exercise),
    "the real report's tasks are not marked a drill",
  );
  const withReal = await until(stats, (s) => s.real.cases > before.real.cases);
  t.same(counts(withReal.real), { reports: before.real.reports + 1, cases: before.real.cases + 1 }, 'a real report moves the real counts');
  t.same(counts(withReal.drills), counts(withDrill.drills), 'and not the drills');
  await until(
    () => anonymous('/v1/public/cap.atom'),
    (r) => r.text.includes(`RS-${real.alertId}-`),
  );
  t.pass('while the real release is in the public feed');
});

t.test('Ctrl-C shuts the system down cleanly', async (t) => {
  live.socket.close();
  system.kill('SIGINT');
  t.equal(await exited, 0, 'with code 0');
});
