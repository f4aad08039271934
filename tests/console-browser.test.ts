/// <reference lib="dom" />
/**
 * The command-centre console in a real browser (Debian's Chromium with a CJK font), against the
 * whole system started as `npm start` starts it. Each step leaves a screenshot in .data/screenshots/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import t from 'tap';
import { createTestDatabase, requireKafka, TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import { signToken } from '@rapid-search/events';
import { call, tokensFor } from '@rapid-search/scripts/client';
import { loadDemoCase } from '@rapid-search/scripts/demo-case';
import { waitUntilReady } from '@rapid-search/scripts/services';
import { systemUnderTest } from './system-env.js';

await requireKafka();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}.data/screenshots`;
mkdirSync(SHOTS, { recursive: true });
const db = await createTestDatabase('console_browser');
const { urls, env } = systemUnderTest(db.url, 3111);
const system = spawn(process.execPath, [`${ROOT}scripts/dist/src/start.js`], { env, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
const exited = new Promise((resolve) => system.once('exit', resolve));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
t.teardown(async () => {
  await browser.close();
  // The services' Postgres sessions end with them; the drop then needs no slot they hold.
  if (system.exitCode === null) process.kill(-system.pid!, 'SIGKILL');
  await exited;
  await db.drop();
});
await Promise.all(Object.values(urls).map((u) => waitUntilReady(u, 120000)));

const demo = loadDemoCase();
const tokens = await tokensFor(TEST_SIGNING_KEY, {
  consoleCenter: 'cc-kunming',
  officer: demo.group.chiefOfficerId,
  upstreamSystem: demo.alert.upstreamSystemId,
});
const qujing = await signToken({ sub: 'cc-qujing', role: 'console', commandCenterId: 'cc-qujing' }, TEST_SIGNING_KEY, 3600);

async function openConsole(token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${urls.dispatch}/console/#token=${token}`);
  await page.waitForSelector('#connection[data-state="live"]');
  return page;
}

/** A Kunming alert whose last-seen region is the city centre's own, so it gets the search tasks too. */
async function postKunmingAlert(childName: string, options: { exercise?: boolean } = {}): Promise<string> {
  const body = structuredClone(demo.alertBody) as unknown as { lastSeen: { regionCode: string }; child: { name: string }; exercise?: boolean };
  body.lastSeen.regionCode = '530113';
  body.child.name = childName;
  if (options.exercise) body.exercise = true;
  const answer = await call<{ caseId: string }>(urls.alert, 'POST', '/v1/alerts', tokens.upstream, body, {
    'idempotency-key': `console-${Date.now()}-${Math.random()}`,
  });
  if (answer.status !== 201) throw new Error(`alert refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.caseId;
}

const rowIds = (page: Page) => page.$$eval('.task', (rows) => rows.map((r) => (r as HTMLElement).dataset.taskId!));
const serverOpenTasks = async () =>
  (
    await call<{ tasks: { taskId: string; caseId: string; status: string }[] }>(
      urls.dispatch,
      'GET',
      '/v1/tasks?commandCenterId=cc-kunming&limit=100',
      tokens.console,
    )
  ).body.tasks.filter((x) => x.status !== 'completed');

const kunming = await openConsole(tokens.console);
const other = await openConsole(qujing);
const cases: string[] = [];

t.test(
  'given the Kunming console open, when a Kunming alert is posted, then its interception tasks appear within 2 s with their hubs on the map',
  async (t) => {
    const posted = Date.now();
    cases.push(await postKunmingAlert('Li Xiaoming (李小明)'));
    await kunming.waitForFunction(() => document.querySelectorAll('.task').length >= 2, undefined, { timeout: 2000 });
    t.ok(Date.now() - posted <= 2500, `rows ${Date.now() - posted} ms after the post`);
    await kunming.waitForFunction(() => document.querySelectorAll('#map .hub').length >= 2 && document.querySelectorAll('#map .ring').length >= 1);
    t.match(await kunming.textContent('#tasks'), /堵截/, 'the kind in Chinese by default');
    t.match(await kunming.textContent('#map .hub text'), /站|机场|收费站/, "the tasked hubs' Chinese names on the map");
    t.ok((await kunming.locator('#map .hub.idle').count()) > 0, "the centre's other hubs are on the map too");
    const innerRing = Number(await kunming.locator('#map .ring').first().getAttribute('r'));
    t.ok(innerRing > 20 && innerRing <= 200, `the innermost release ring is seen whole on the map (r ${innerRing} of 200)`);
    await kunming.waitForSelector('.release');
    const release = (await kunming.textContent('.case .release'))!;
    t.match(release, /Li Xiaoming \(李小明\)/, "the alert's public details head its tasks");
    t.match(release, /\d+ 公里/, 'with the radius the release reaches');
    t.notMatch(release, /13812345678|刘芳/, 'and nothing of the reporter');
    await kunming.screenshot({ path: `${SHOTS}/1-tasks-appear.png` });
  },
);

t.test('given an interception row, when it is acknowledged from the page, then the row changes and the server has it acknowledged', async (t) => {
  const row = kunming.locator('.task.assigned', { hasText: '堵截' }).first();
  const taskId = (await row.getAttribute('data-task-id'))!;
  await row.locator('button.ack').click();
  await kunming.waitForSelector(`.task.acknowledged[data-task-id="${taskId}"] .reply.ok`);
  const task = (await serverOpenTasks()).find((x) => x.taskId === taskId);
  t.equal(task?.status, 'acknowledged');
  await kunming
    .locator(`.task[data-task-id="${taskId}"] button.ack`)
    .count()
    .then((n) => t.equal(n, 0, 'no second acknowledge offered'));
  await kunming.screenshot({ path: `${SHOTS}/2-acknowledged.png` });
});

t.test('given an acknowledged task, when it is acknowledged again over the socket, then the page says so in words', async (t) => {
  const taskId = (await kunming.locator('.task.acknowledged').first().getAttribute('data-task-id'))!;
  await kunming.evaluate((id) => (window as any).rsConsole.send({ type: 'ack', taskId: id }), taskId);
  await kunming.waitForSelector(`.task[data-task-id="${taskId}"] .reply.error`);
  t.match(await kunming.textContent(`.task[data-task-id="${taskId}"] .reply`), /已被签收/);
});

t.test('given a cut socket, when tasks are assigned while it is away, then it reconnects, resumes and shows every task once', async (t) => {
  await kunming.evaluate(() => (window as any).rsConsole.drop());
  cases.push(await postKunmingAlert('Wang Xiaohong (王小红)'));
  await kunming.waitForSelector('#connection[data-state="resumed"]');
  const history = await kunming.evaluate(() => (window as any).rsConsole.history as string[]);
  t.ok(history.includes('reconnecting'), 'it said it was reconnecting');
  t.match(await kunming.textContent('#connection'), /已从位置 \d+ 续传/);
  // Every open task the server holds for the centre, both alerts', is on the page.
  const deadline = Date.now() + 10000;
  let expected: string[] = [];
  let shownSorted: string[] = [];
  do {
    await new Promise((r) => setTimeout(r, 100));
    const open = await serverOpenTasks();
    expected = open.some((x) => x.caseId === cases[1]) ? open.map((x) => x.taskId).sort() : [];
    shownSorted = (await rowIds(kunming)).sort();
  } while (JSON.stringify(shownSorted) !== JSON.stringify(expected) && Date.now() < deadline);
  t.same(shownSorted, expected, 'none missing');
  const shown = await rowIds(kunming);
  t.equal(new Set(shown).size, shown.length, 'none twice');
  await kunming.screenshot({ path: `${SHOTS}/3-resumed.png` });
});

t.test('given the page reloaded mid-shift, when it signs in again, then it rebuilds the same board from the snapshot', async (t) => {
  const before = (await rowIds(kunming)).sort();
  const again = await openConsole(tokens.console);
  await again.waitForFunction((n) => document.querySelectorAll('.task').length >= n, before.length);
  t.same((await rowIds(again)).sort(), before);
  await again.click('#lang');
  t.match(await again.textContent('#tasks'), /Interception/, 'the English toggle');
  await again.screenshot({ path: `${SHOTS}/4-english.png` });
  await again.close();
});

t.test('given a drill posted for Kunming, when its tasks arrive, then every row of it and the banner say it is a drill', async (t) => {
  cases.push(await postKunmingAlert('Zhao Yanlian (赵演练)', { exercise: true }));
  const drillRows = kunming.locator('.task.drill');
  await kunming.waitForFunction(() => document.querySelectorAll('.task.drill').length >= 2);
  t.ok(await kunming.isVisible('#drill-banner'), 'the banner is up');
  t.match(await kunming.textContent('#drill-banner'), /演练/);
  const drillCase = cases.at(-1)!;
  const serverDrill = (await serverOpenTasks()).filter((x) => x.caseId === drillCase).map((x) => x.taskId);
  const marked = await drillRows.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.taskId!));
  t.same(marked.sort(), serverDrill.sort(), 'every task of the drill is marked, and only those');
  await kunming.screenshot({ path: `${SHOTS}/6-drill.png` });
});

t.test("given another centre's console, when Kunming's alerts are tasked, then it shows none of their tasks", async (t) => {
  const shown = await rowIds(other);
  const kunmingTasks = new Set((await serverOpenTasks()).map((x) => x.taskId));
  t.equal(shown.filter((id) => kunmingTasks.has(id)).length, 0);
  await other.screenshot({ path: `${SHOTS}/5-other-centre.png` });
});
