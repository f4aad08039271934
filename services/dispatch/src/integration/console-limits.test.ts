import { newId } from '@rapid-search/events';
import t from 'tap';
import { CLOSE_TOO_MANY_MESSAGES } from '../live/console-connection.js';
import { quickSearch, startHarness, TestConsole } from './harness.js';

const h = await startHarness('dispatch_console_limits', { DISPATCH_CONSOLE_MESSAGES_PER_SECOND: '10' });
t.teardown(() => h.close());
const CENTER = 'cc-kunming-guandu';
const token = await h.token('console', CENTER);
const caseId = `case-${newId()}`;
await h.publish('alert', quickSearch(caseId, 30), caseId);

/** The projection's position once the quick search's tasks are on the centre's consoles. */
const headOf = async (): Promise<number> => {
  for (;;) {
    const c = await TestConsole.open(h.wsUrl, token);
    const snapshot = await c.waitFor(() => c.messages.find((m) => m.type === 'snapshot'));
    c.close();
    if ((snapshot.tasks as unknown[]).length > 0) return snapshot.position as number;
    await new Promise((r) => setTimeout(r, 200));
  }
};
const head = await headOf();

t.test('given a console, when it resumes past the head, then it is told the head and its feed goes on', async (t) => {
  const c = await TestConsole.open(h.wsUrl, token);
  t.teardown(() => c.close());
  await c.waitFor(() => c.messages.find((m) => m.type === 'snapshot'));
  c.send({ type: 'resume', fromPosition: head + 1_000_000 });
  const refused = await c.waitFor(() => c.messages.find((m) => m.type === 'error'));
  t.match(refused, { code: 'RESUME_PAST_HEAD', head: Number });
  t.ok((refused.head as number) >= head);
  c.send({ type: 'resume', fromPosition: 0 });
  await c.waitFor(() => c.events().length > 0);
  t.ok(
    c.events().every((e, i, all) => i === 0 || e.position > all[i - 1]!.position),
    'the replay after it comes in order',
  );
});

t.test('given a console, when it sends many resumes at once, then at most one is in flight and the rest are refused', async (t) => {
  const c = await TestConsole.open(h.wsUrl, token);
  t.teardown(() => c.close());
  await c.waitFor(() => c.messages.find((m) => m.type === 'snapshot'));
  for (let i = 0; i < 5; i++) c.send({ type: 'resume', fromPosition: 0 });
  await c.waitFor(() => c.messages.filter((m) => m.type === 'error').length >= 1);
  await new Promise((r) => setTimeout(r, 300));
  const events = c.events();
  const replays = events.filter((e) => e.position === events[0]!.position).length;
  t.ok(replays < 5, `the feed was replayed ${replays} times for 5 resumes`);
  t.ok(c.messages.some((m) => m.type === 'error' && m.code === 'RESUME_IN_FLIGHT'));
});

t.test('given a socket, when it floods frames past its budget, then it is closed with 4029 and others still answer', async (t) => {
  const flood = await TestConsole.open(h.wsUrl, token);
  await flood.waitFor(() => flood.messages.find((m) => m.type === 'snapshot'));
  for (let i = 0; i < 200; i++) flood.send({ type: 'ack', taskId: `no-such-task-${i}` });
  const closed = await flood.waitFor(() => flood.closed);
  t.equal(closed.code, CLOSE_TOO_MANY_MESSAGES);
  const answers = flood.messages.filter((m) => m.type === 'error' && m.code === 'NOT_FOUND').length;
  t.ok(answers <= 20, `only the budget's worth was handled (${answers})`);
  const res = await fetch(`${h.baseUrl}/v1/tasks?limit=5`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(res.status, 200);
});

t.test('given a console upgrade, when ?fromPosition is not a position, then it is a 400', async (t) => {
  for (const bad of ['abc', '-1', '1e400', '9007199254740993']) {
    await t.rejects(TestConsole.open(h.wsUrl, token, { query: `fromPosition=${bad}` }), /400/, bad);
  }
});

t.test('given more tasks than a page, when they are listed, then pages follow by cursor, newest first, each once', async (t) => {
  const get = async (query: string) =>
    (await (await fetch(`${h.baseUrl}/v1/tasks?${query}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      tasks: { taskId: string; assignedAt: string }[];
      next: string | null;
    };
  const seen: { taskId: string; assignedAt: string }[] = [];
  let page = await get('limit=2');
  for (;;) {
    seen.push(...page.tasks);
    if (!page.next) break;
    page = await get(`limit=2&cursor=${page.next}`);
  }
  t.ok(seen.length > 2);
  t.equal(new Set(seen.map((s) => s.taskId)).size, seen.length, 'no task twice');
  const times = seen.map((s) => s.assignedAt);
  t.same(times, [...times].sort().reverse(), 'newest first');
  const bad = await fetch(`${h.baseUrl}/v1/tasks?cursor=garbage`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(bad.status, 400);
});
