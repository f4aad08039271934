import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { taskIds } from './assignment.js';
import { ctx, directory, GUANDU_POINT, NOW } from './fixtures.test-helper.js';
import { interceptionsDecider, type AssignInterceptions } from './interceptions.js';

const interceptions = spec(interceptionsDecider);
const near = (point: { lat: number; lon: number }, radiusKm: number, now = NOW): AssignInterceptions => ({
  caseId: 'case-1',
  hubs: directory.hubsWithin(point, radiusKm),
  radiusKm,
  now,
  deadlines: ctx.deadlines,
});
const QUJING = { lat: 25.5, lon: 103.7 };
const quickSearch = interceptionsDecider.decide(near(GUANDU_POINT, 50), interceptionsDecider.initialState());
/** The hubs a decision tasks, in order: `match` alone would let further entries pass. */
const hubsTasked = (events: readonly DomainEvent[]) =>
  events.flatMap((e) => (e.type === 'InterceptionTasksAssigned' ? e.data.tasks.map((task) => task.hub.id) : []));

t.test('given no interception yet, when the quick search names its hubs, then one event tasks each, to its own center', async (t) => {
  t.same(hubsTasked(quickSearch), ['hub-station', 'hub-airport']);
  interceptions(t)
    .given([])
    .when(near(GUANDU_POINT, 50))
    .thenMatches([
      {
        type: 'InterceptionTasksAssigned',
        data: {
          caseId: 'case-1',
          radiusKm: 50,
          assignedAt: '2026-11-22T10:00:00.000Z',
          deadlineAt: '2026-11-22T10:05:00.000Z',
          tasks: [
            { taskId: taskIds.interception('case-1', 'hub-station'), commandCenterId: 'cc-kunming-guandu', hub: { id: 'hub-station' } },
            { taskId: taskIds.interception('case-1', 'hub-airport'), commandCenterId: 'cc-kunming', hub: { id: 'hub-airport' } },
          ],
        },
      },
    ]);
});

t.test('given the quick search, when a widening names every hub in 200 km, then only the new hub is tasked', async (t) => {
  const widening = interceptions(t).given(quickSearch).when(near(GUANDU_POINT, 200));
  t.same(hubsTasked(widening.events), ['hub-qujing']);
  widening.thenMatches([
    { type: 'InterceptionTasksAssigned', data: { radiusKm: 200, tasks: [{ hub: { id: 'hub-qujing' }, commandCenterId: 'cc-yunnan' }] } },
  ]);
});

t.test('given the quick search, when the same step comes again, then nothing is tasked twice', async (t) => {
  interceptions(t)
    .given(quickSearch)
    .when(near(GUANDU_POINT, 50, new Date(NOW.getTime() + 60_000)))
    .thenNothingHappened();
});

t.test('given the quick search and a sighting near Qujing, when a sighting near the first place follows, then nothing is new', async (t) => {
  const sighting = interceptionsDecider.decide(near(QUJING, 50), interceptionsDecider.initialState());
  interceptions(t)
    .given([...quickSearch, ...sighting])
    .when(near(GUANDU_POINT, 200))
    .thenNothingHappened();
  interceptions(t)
    .given(quickSearch)
    .when(near(QUJING, 50))
    .thenState({ tasked: new Set(['hub-station', 'hub-airport', 'hub-qujing']) });
});
